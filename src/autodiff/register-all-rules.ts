import { RuleRegistry } from './rule-registry.ts';
import { AbsGrad } from './rules/Abs.ts';
import { AddGrad } from './rules/Add.ts';
import { CastGrad } from './rules/Cast.ts';
import { CosGrad } from './rules/Cos.ts';
import { DivGrad } from './rules/Div.ts';
import { ErfGrad } from './rules/Erf.ts';
import { ExpGrad } from './rules/Exp.ts';
import { IdentityGrad } from './rules/Identity.ts';
import { LeakyReluGrad } from './rules/LeakyRelu.ts';
import { LogGrad } from './rules/Log.ts';
import { MatMulGrad } from './rules/MatMul.ts';
import { MaxGrad } from './rules/Max.ts';
import { MinGrad } from './rules/Min.ts';
import { MulGrad } from './rules/Mul.ts';
import { NegGrad } from './rules/Neg.ts';
import { PowGrad } from './rules/Pow.ts';
import { ReluGrad } from './rules/Relu.ts';
import { SigmoidGrad } from './rules/Sigmoid.ts';
import { SinGrad } from './rules/Sin.ts';
import { SoftplusGrad } from './rules/Softplus.ts';
import { SqrtGrad } from './rules/Sqrt.ts';
import { SubGrad } from './rules/Sub.ts';
import { TanhGrad } from './rules/Tanh.ts';
import { WhereGrad } from './rules/Where.ts';

/** Every gradient rule, registered in one place (one file per op in rules/). A rule listed twice fails here. */
export const ALL_RULES = [
  AbsGrad, AddGrad, CastGrad, CosGrad, DivGrad, ErfGrad, ExpGrad, IdentityGrad, LeakyReluGrad, LogGrad,
  MatMulGrad, MaxGrad, MinGrad, MulGrad, NegGrad, PowGrad, ReluGrad, SigmoidGrad, SinGrad, SoftplusGrad,
  SqrtGrad, SubGrad, TanhGrad, WhereGrad,
];

export const defaultRules = new RuleRegistry(ALL_RULES);
