import { registerOp } from '../op-registry.ts';
import { activationOps } from './activations.ts';
import { arithmeticOps } from './arithmetic.ts';
import { Cast, Constant } from './constant.ts';
import { Conv, ConvTranspose } from './conv.ts';
import { DFT } from './dft.ts';
import { discreteOps } from './discrete.ts';
import { Einsum } from './einsum.ts';
import { indexingOps } from './indexing.ts';
import { logicalOps } from './logical.ts';
import { Gemm, MatMul } from './matmul.ts';
import { normalizationOps } from './normalization.ts';
import { AveragePool, MaxPool } from './pool.ts';
import { reduceOps } from './reduce.ts';
import { Resize } from './resize.ts';
import { scatterOps } from './scatter.ts';
import { shapeOps } from './shape-ops.ts';
import { structureOps } from './structure.ts';

/** The one place every op definition is registered. */
for (const def of [
  ...arithmeticOps,
  ...activationOps,
  ...logicalOps,
  MatMul,
  Gemm,
  Conv,
  ConvTranspose,
  AveragePool,
  MaxPool,
  Resize,
  ...shapeOps,
  ...indexingOps,
  ...reduceOps,
  ...normalizationOps,
  Cast,
  Constant,
  DFT,
  ...structureOps,
  Einsum,
  ...scatterOps,
  ...discreteOps,
]) {
  registerOp(def);
}
