import { describe, expect, it } from 'vitest';
import { defaultRules } from '../../src/autodiff/register-all-rules.ts';
import type { GradRule } from '../../src/autodiff/rule.ts';
import { normalizationCases } from './cases/normalization.ts';
import { activationCases } from './cases/activations.ts';
import type { NamedCase } from './fd-cases.ts';
import { fdCheck } from './fd-helpers.ts';

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
    rule: {
      op: 'BatchNormalization',
      grad: (ctx) => {
        const [, ds, db, dm, dv] = defaultRules.get('BatchNormalization')!.grad(ctx);
        const { b, g, x: [x, scale] } = ctx;
        const axes = x!.shape.map((_, i) => i).filter((i) => i !== 1);
        const mean = b.op1('ReduceMean', [x!], { axes, keepdims: 1 });
        const centered = b.sub(x!, mean);
        const r = b.div(ctx.scalar(1), b.sqrt(b.add(b.op1('ReduceMean', [b.mul(centered, centered)], { axes, keepdims: 1 }), ctx.scalar(ctx.attr<number>('epsilon')))));
        return [b.mul(b.mul(g, b.reshape(scale!, [scale!.shape[0], ...new Array<number>(x!.rank - 2).fill(1)])), r), ds, db, dm, dv];
      },
    },
    cases: normalizationCases,
    name: 'BatchNormalization training (x, scale, B; batch statistics)',
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
