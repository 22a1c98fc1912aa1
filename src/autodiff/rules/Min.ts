import { extremumGrad } from '../extremum-grad.ts';
import type { GradRule } from '../rule.ts';

export const MinGrad: GradRule = { op: 'Min', grad: extremumGrad };
