import { RuleRegistry } from './rule-registry.ts';
import { AbsGrad } from './rules/Abs.ts';
import { AddGrad } from './rules/Add.ts';
import { AveragePoolGrad } from './rules/AveragePool.ts';
import { CastGrad } from './rules/Cast.ts';
import { ConcatGrad } from './rules/Concat.ts';
import { ConvGrad } from './rules/Conv.ts';
import { ConvTransposeGrad } from './rules/ConvTranspose.ts';
import { CosGrad } from './rules/Cos.ts';
import { CumSumGrad } from './rules/CumSum.ts';
import { DFTGrad } from './rules/DFT.ts';
import { DepthToSpaceGrad } from './rules/DepthToSpace.ts';
import { DivGrad } from './rules/Div.ts';
import { EinsumGrad } from './rules/Einsum.ts';
import { ErfGrad } from './rules/Erf.ts';
import { ExpGrad } from './rules/Exp.ts';
import { ExpandGrad } from './rules/Expand.ts';
import { GatherGrad } from './rules/Gather.ts';
import { GatherElementsGrad } from './rules/GatherElements.ts';
import { GemmGrad } from './rules/Gemm.ts';
import { IdentityGrad } from './rules/Identity.ts';
import { LayerNormalizationGrad } from './rules/LayerNormalization.ts';
import { LeakyReluGrad } from './rules/LeakyRelu.ts';
import { LogGrad } from './rules/Log.ts';
import { MatMulGrad } from './rules/MatMul.ts';
import { MaxGrad } from './rules/Max.ts';
import { MaxPoolGrad } from './rules/MaxPool.ts';
import { MinGrad } from './rules/Min.ts';
import { MulGrad } from './rules/Mul.ts';
import { NegGrad } from './rules/Neg.ts';
import { PadGrad } from './rules/Pad.ts';
import { PowGrad } from './rules/Pow.ts';
import { ReduceMaxGrad } from './rules/ReduceMax.ts';
import { ReduceMeanGrad } from './rules/ReduceMean.ts';
import { ReduceSumGrad } from './rules/ReduceSum.ts';
import { ReluGrad } from './rules/Relu.ts';
import { ReshapeGrad } from './rules/Reshape.ts';
import { ResizeGrad } from './rules/Resize.ts';
import { ScatterElementsGrad } from './rules/ScatterElements.ts';
import { ScatterNDGrad } from './rules/ScatterND.ts';
import { SigmoidGrad } from './rules/Sigmoid.ts';
import { SinGrad } from './rules/Sin.ts';
import { SliceGrad } from './rules/Slice.ts';
import { SoftmaxGrad } from './rules/Softmax.ts';
import { SoftplusGrad } from './rules/Softplus.ts';
import { SpaceToDepthGrad } from './rules/SpaceToDepth.ts';
import { SplitGrad } from './rules/Split.ts';
import { SqrtGrad } from './rules/Sqrt.ts';
import { SqueezeGrad } from './rules/Squeeze.ts';
import { SubGrad } from './rules/Sub.ts';
import { TanhGrad } from './rules/Tanh.ts';
import { TileGrad } from './rules/Tile.ts';
import { TransposeGrad } from './rules/Transpose.ts';
import { TriluGrad } from './rules/Trilu.ts';
import { UnsqueezeGrad } from './rules/Unsqueeze.ts';
import { WhereGrad } from './rules/Where.ts';

/** Every gradient rule, registered in one place (one file per op in rules/). A rule listed twice fails here. */
export const ALL_RULES = [
  AbsGrad, AddGrad, AveragePoolGrad, CastGrad, ConcatGrad, ConvGrad, ConvTransposeGrad, CosGrad, DFTGrad,
  DivGrad, ErfGrad, ExpGrad, ExpandGrad, GatherGrad, GemmGrad, IdentityGrad, LayerNormalizationGrad,
  LeakyReluGrad, LogGrad, MatMulGrad, MaxGrad, MaxPoolGrad, MinGrad, MulGrad, NegGrad, PadGrad, PowGrad,
  ReduceMaxGrad, ReduceMeanGrad, ReduceSumGrad, ReluGrad, ReshapeGrad, ResizeGrad, SigmoidGrad, SinGrad,
  SliceGrad, SoftmaxGrad, SoftplusGrad, SqrtGrad, SqueezeGrad, SubGrad, TanhGrad, TransposeGrad, UnsqueezeGrad,
  WhereGrad,
  SplitGrad, TileGrad, DepthToSpaceGrad, SpaceToDepthGrad, EinsumGrad, CumSumGrad, TriluGrad, GatherElementsGrad,
  ScatterElementsGrad, ScatterNDGrad,
];

export const defaultRules = new RuleRegistry(ALL_RULES);
