import { extremumGrad } from '../extremum-grad.ts';
import type { GradRule } from '../rule.ts';

export const MaxGrad: GradRule = { op: 'Max', grad: extremumGrad };
