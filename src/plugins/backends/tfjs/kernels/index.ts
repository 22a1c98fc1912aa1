import { castKernels } from './cast.ts';
import { convKernels } from './conv.ts';
import { dftKernels } from './dft.ts';
import { discreteKernels } from './discrete.ts';
import { einsumKernels } from './einsum.ts';
import { elementwiseKernels } from './elementwise.ts';
import { indexingKernels } from './indexing.ts';
import type { Kernel } from './kernel.ts';
import { matmulKernels } from './matmul.ts';
import { normalizationKernels } from './normalization.ts';
import { poolKernels } from './pool.ts';
import { reduceKernels } from './reduce.ts';
import { resizeKernels } from './resize.ts';
import { scatterKernels } from './scatter.ts';
import { shapeKernels } from './shape.ts';
import { structureKernels } from './structure.ts';

/**
 * Every tfjs kernel by ONNX op name. Constant is not here: the interpreter treats Constant outputs as graph
 * constants (uploaded once per compiled graph), like initializers.
 */
export const TFJS_KERNELS: Readonly<Record<string, Kernel>> = {
  ...elementwiseKernels,
  ...matmulKernels,
  ...convKernels,
  ...poolKernels,
  ...resizeKernels,
  ...shapeKernels,
  ...indexingKernels,
  ...reduceKernels,
  ...normalizationKernels,
  ...castKernels,
  ...dftKernels,
  ...structureKernels,
  ...einsumKernels,
  ...scatterKernels,
  ...discreteKernels,
};

/** Ops the interpreter handles itself rather than through a kernel. */
export const INTERPRETER_OPS: readonly string[] = ['Constant'];
