import { describe, expect, it } from 'vitest';
import { defaultRules } from '../../src/autodiff/register-all-rules.ts';
import type { GradRule } from '../../src/autodiff/rule.ts';
import { fdCheck } from './fd-helpers.ts';

// The finite-difference checker must be able to fail: a plausible-looking wrong rule is caught.

const wrongTanh: GradRule = {
  op: 'Tanh',
  grad: ({ b, g, y: [y], scalar }) => [b.mul(g, b.sub(scalar(1), y))], // 1 − y instead of 1 − y²
};

describe('finite-difference checker', () => {
  it('accepts the real tanh rule', async () => {
    const r = await fdCheck({ dtype: 'float64', inputs: [{ shape: [3, 4] }], build: (b, [x]) => b.tanh(x) });
    expect(r.ok, r.summary).toBe(true);
  });

  it('rejects tanh with 1 − y instead of 1 − y², injected into a registry copy', async () => {
    const r = await fdCheck({ dtype: 'float64', inputs: [{ shape: [3, 4] }], build: (b, [x]) => b.tanh(x), rules: defaultRules.with(wrongTanh) });
    expect(r.ok, r.summary).toBe(false);
    expect(r.summary).toMatch(/autodiff .* central difference/);
  });

  it('leaves the default registry untouched when a copy is made', () => {
    defaultRules.with(wrongTanh);
    expect(defaultRules.get('Tanh')).not.toBe(wrongTanh);
  });
});
