export { grad, type GradSpec } from './vjp.ts';
export { defaultRules, ALL_RULES } from './register-all-rules.ts';
export { RuleRegistry } from './rule-registry.ts';
export type { GradContext, GradRule } from './rule.ts';
export { NON_DIFFERENTIABLE_OPS } from './op-names.ts';
export { checkGradients, type GradientCheckOptions, type GradientCheckResult } from './gradient-check.ts';
export { laplacian, type LaplacianSpec } from './laplacian.ts';
