import { RuleRegistry } from './rule-registry.ts';
import { AbsGrad } from './rules/Abs.ts';
import { AddGrad } from './rules/Add.ts';
import { AveragePoolGrad } from './rules/AveragePool.ts';
import { BatchNormalizationGrad } from './rules/BatchNormalization.ts';
import { CastGrad } from './rules/Cast.ts';
import { CeluGrad } from './rules/Celu.ts';
import { ClipGrad } from './rules/Clip.ts';
import { ConcatGrad } from './rules/Concat.ts';
import { ConvGrad } from './rules/Conv.ts';
import { ConvTransposeGrad } from './rules/ConvTranspose.ts';
import { CosGrad } from './rules/Cos.ts';
import { DFTGrad } from './rules/DFT.ts';
import { DivGrad } from './rules/Div.ts';
import { EluGrad } from './rules/Elu.ts';
import { ErfGrad } from './rules/Erf.ts';
import { ExpGrad } from './rules/Exp.ts';
import { ExpandGrad } from './rules/Expand.ts';
import { GatherGrad } from './rules/Gather.ts';
import { GemmGrad } from './rules/Gemm.ts';
import { GlobalAveragePoolGrad } from './rules/GlobalAveragePool.ts';
import { GlobalMaxPoolGrad } from './rules/GlobalMaxPool.ts';
import { HardSigmoidGrad } from './rules/HardSigmoid.ts';
import { HardSwishGrad } from './rules/HardSwish.ts';
import { IdentityGrad } from './rules/Identity.ts';
import { InstanceNormalizationGrad } from './rules/InstanceNormalization.ts';
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
import { PReluGrad } from './rules/PRelu.ts';
import { PowGrad } from './rules/Pow.ts';
import { ReduceMaxGrad } from './rules/ReduceMax.ts';
import { ReduceMeanGrad } from './rules/ReduceMean.ts';
import { ReduceSumGrad } from './rules/ReduceSum.ts';
import { ReluGrad } from './rules/Relu.ts';
import { ReshapeGrad } from './rules/Reshape.ts';
import { ResizeGrad } from './rules/Resize.ts';
import { SeluGrad } from './rules/Selu.ts';
import { SigmoidGrad } from './rules/Sigmoid.ts';
import { SinGrad } from './rules/Sin.ts';
import { SliceGrad } from './rules/Slice.ts';
import { SoftmaxGrad } from './rules/Softmax.ts';
import { SoftplusGrad } from './rules/Softplus.ts';
import { SoftsignGrad } from './rules/Softsign.ts';
import { SqrtGrad } from './rules/Sqrt.ts';
import { SqueezeGrad } from './rules/Squeeze.ts';
import { SubGrad } from './rules/Sub.ts';
import { TanhGrad } from './rules/Tanh.ts';
import { TransposeGrad } from './rules/Transpose.ts';
import { UnsqueezeGrad } from './rules/Unsqueeze.ts';
import { WhereGrad } from './rules/Where.ts';

/** Every gradient rule, registered in one place (one file per op in rules/). A rule listed twice fails here. */
export const ALL_RULES = [
  AbsGrad, AddGrad, AveragePoolGrad, BatchNormalizationGrad, CastGrad, CeluGrad, ClipGrad, ConcatGrad, ConvGrad, ConvTransposeGrad, CosGrad, DFTGrad,
  DivGrad, EluGrad, ErfGrad, ExpGrad, ExpandGrad, GatherGrad, GemmGrad, GlobalAveragePoolGrad, GlobalMaxPoolGrad, HardSigmoidGrad, HardSwishGrad, IdentityGrad,
  InstanceNormalizationGrad, LayerNormalizationGrad,
  LeakyReluGrad, LogGrad, MatMulGrad, MaxGrad, MaxPoolGrad, MinGrad, MulGrad, NegGrad, PadGrad, PReluGrad, PowGrad,
  ReduceMaxGrad, ReduceMeanGrad, ReduceSumGrad, ReluGrad, ReshapeGrad, ResizeGrad, SeluGrad, SigmoidGrad, SinGrad,
  SliceGrad, SoftmaxGrad, SoftplusGrad, SoftsignGrad, SqrtGrad, SqueezeGrad, SubGrad, TanhGrad, TransposeGrad, UnsqueezeGrad,
  WhereGrad,
];

export const defaultRules = new RuleRegistry(ALL_RULES);
