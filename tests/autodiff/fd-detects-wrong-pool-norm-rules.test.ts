import { describe, expect, it } from 'vitest';
import { defaultRules } from '../../src/autodiff/register-all-rules.ts';
import type { GradRule } from '../../src/autodiff/rule.ts';
import { normalizationCases } from './cases/normalization.ts';
import { activationCases } from './cases/activations.ts';
import type { NamedCase } from './fd-cases.ts';
import { fdCheck } from './fd-helpers.ts';
import { constantBatchStatisticsRule } from '../parity/mutations.ts';

// The finite-difference cases of the pooling, normalization and activation rules can fail: each plausible
// wrong rule below, injected into a registry copy, is caught on the case that exercises it.

const wrong: { rule: GradRule; why: string; cases: readonly NamedCase[]; name: string }[] = [
  {
    why: 'GlobalMaxPool sending g to every element instead of the maximum',
    rule: { op: 'GlobalMaxPool', grad: ({ b, g, x: [x] }) => [b.expand(g, x!.shape)] },
    cases: normalizationCases,
    name: 'GlobalMaxPool 2-D',
  },
  {
    why: 'BatchNormalization forgetting the variance gradient\'s −½',
    rule: {
      op: 'BatchNormalization',
      grad: (ctx) => {
        const [dx, ds, db, dm, dv] = defaultRules.get('BatchNormalization')!.grad(ctx);
        return [dx, ds, db, dm, ctx.b.mul(dv!, ctx.scalar(-2))];
      },
    },
    cases: normalizationCases,
    name: 'BatchNormalization inference (x, scale, B, mean, var)',
  },
  {
    // The inference-mode derivative applied to batch statistics: it ignores that the mean and variance move with x.
    why: 'BatchNormalization training mode treating the batch statistics as constants',
    rule: constantBatchStatisticsRule,
    cases: normalizationCases,
    name: 'BatchNormalization training (x, scale, B; batch statistics)',
  },
  {
    why: 'GroupNormalization summing the scale gradient over the groups too (one value for all)',
    rule: {
      op: 'GroupNormalization',
      grad: (ctx) => {
        const [dx, ds, db] = defaultRules.get('GroupNormalization')!.grad(ctx);
        return [dx, ctx.b.expand(ctx.b.reduceSum(ds!, [0], true), ds!.shape), db];
      },
    },
    cases: normalizationCases,
    name: 'GroupNormalization (opset 18: scale and bias per group; x, scale, bias)',
  },
  {
    why: 'Mish missing the x·(1 − t²)·σ(x) term (t = tanh softplus x)',
    rule: { op: 'Mish', grad: ({ b, g, x: [x] }) => [b.mul(g, b.tanh(b.softplus(x!)))] },
    cases: activationCases,
    name: 'Mish (opset 18; onnxruntime runs its Softplus·Tanh·Mul body)',
  },
  {
    why: 'Elu leaving out α on the negative side',
    rule: { op: 'Elu', grad: ({ b, g, x: [x], scalar }) => [b.where(b.greater(x!, scalar(0)), g, b.mul(g, b.exp(x!)))] },
    cases: activationCases,
    name: 'Elu (α = 0.7)',
  },
  {
    why: 'Clip passing g to x above max',
    rule: {
      op: 'Clip',
      grad: (ctx) => {
        const [, dLo, dHi] = defaultRules.get('Clip')!.grad(ctx);
        const { b, g, x: [x, lo], scalar } = ctx;
        return [b.where(b.less(x!, lo!), scalar(0), g), dLo, dHi];
      },
    },
    cases: activationCases,
    name: 'Clip (min and max inputs, both differentiated)',
  },
];

describe('finite differences catch wrong pooling, normalization and activation rules', () => {
  for (const w of wrong) {
    it(`rejects ${w.why}`, async () => {
      const c = w.cases.find((k) => k.name === w.name)!;
      expect((await fdCheck(c)).ok).toBe(true);
      const r = await fdCheck({ ...c, rules: defaultRules.with(w.rule) });
      expect(r.ok, r.summary).toBe(false);
    });
  }
});
