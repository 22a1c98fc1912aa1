import { describe, expect, it } from 'vitest';
import { NON_DIFFERENTIABLE_OPS } from '../../src/autodiff/op-names.ts';
import { ALL_RULES, defaultRules } from '../../src/autodiff/register-all-rules.ts';
import { RuleRegistry } from '../../src/autodiff/rule-registry.ts';
import { TanhGrad } from '../../src/autodiff/rules/Tanh.ts';
import { grad } from '../../src/autodiff/vjp.ts';
import '../../src/graph/builder.ts';
import { GraphBuilder } from '../../src/graph/builder.ts';
import { registeredOps } from '../../src/graph/op-registry.ts';

describe('rule registry', () => {
  it('every op of the graph op set has a gradient rule or is listed as non-differentiable', () => {
    const missing = registeredOps().filter((op) => !defaultRules.get(op) && !(op in NON_DIFFERENTIABLE_OPS));
    expect(missing, `ops without a gradient rule: add src/autodiff/rules/<Op>.ts or list them in op-names.ts`).toEqual([]);
  });

  it('every rule file holds the one rule of a registered op, which is not also listed as non-differentiable', () => {
    expect(ALL_RULES.length).toBe(defaultRules.ops().length);
    expect(ALL_RULES.length).toBeGreaterThan(40);
    const known = new Set(registeredOps());
    expect(defaultRules.ops().filter((op) => !known.has(op))).toEqual([]);
    for (const op of defaultRules.ops()) expect(op in NON_DIFFERENTIABLE_OPS, op).toBe(false);
  });

  it('registering a rule twice fails and names the op', () => {
    expect(() => new RuleRegistry([TanhGrad, TanhGrad])).toThrow(/rule for op Tanh is registered twice/);
  });

  it('an op without a rule fails with the node named and the ops that have rules', () => {
    const b = new GraphBuilder('m');
    const x = b.input('x', 'float32', [2]);
    b.output(b.tanh(b.mul(x, x)), 'y');
    const noTanh = new RuleRegistry(ALL_RULES.filter((r) => r.op !== 'Tanh'));
    expect(() => grad(b.build(), { of: 'y', wrt: ['x'] }, noTanh)).toThrow(
      /^node "Tanh_\d+" \(Tanh\): no gradient rule for op Tanh; ops with rules: Abs, Add, .*Mul, /,
    );
  });
});
