import { describe, expect, it } from 'vitest';
import { tensor } from '../../src/graph/tensor.ts';
import { compareTensors, unravel } from '../../src/parity/compare-tensors.ts';
import { toleranceFor } from '../../src/parity/tolerances.ts';

const tol = { rtol: 1e-3, atol: 1e-6, source: 'test' };

describe('compareTensors', () => {
  it('checks dtype before values and says which side has what', () => {
    const c = compareTensors('w', 'param', tensor('float64', [2], [1, 2]), tensor('float32', [2], [1, 2]), tol);
    expect(c.verdict).toBe('fail');
    expect(c.problem).toBe('dtype float64, the reference has float32');
    expect(c.metrics).toBeUndefined();
  });

  it('checks shape before values', () => {
    const c = compareTensors('w', 'param', tensor('float32', [2, 1], [1, 2]), tensor('float32', [1, 2], [1, 2]), tol);
    expect(c.problem).toBe('shape [2, 1], the reference has [1, 2]');
  });

  it('names a missing side', () => {
    expect(compareTensors('g', 'grad', undefined, tensor('float32', [1], [1]), tol).problem).toBe('the backend produced no "g"');
  });

  it('uses the expected side to scale the tolerance (|a − e| ≤ atol + rtol·|e|) and reports the worst multi-index', () => {
    // Element [1, 0]: |1.002 − 1| = 2e-3 > 1e-6 + 1e-3·1 → outside; [0, 1]: 1e-4 off 1000 → inside (allowed 1.000001).
    const e = tensor('float64', [2, 2], [0, 1000, 1, 5]);
    const a = tensor('float64', [2, 2], [0, 1000.0001, 1.002, 5]);
    const c = compareTensors('x', 'output', a, e, tol);
    expect(c.verdict).toBe('fail');
    const m = c.metrics!;
    expect(m.outside).toBe(1);
    expect(m.outsideShare).toBe(0.25);
    expect(m.worstIndex).toEqual([1, 0]);
    expect(m.worstActual).toBe(1.002);
    expect(m.maxAbs).toBeCloseTo(0.002, 12);
    expect(m.maxRel).toBeCloseTo(0.002, 12);
    expect(m.cosine).toBeLessThan(1);
    expect(m.relL2).toBeCloseTo(Math.hypot(1e-4, 2e-3) / Math.hypot(1000, 1, 5), 12);
  });

  it('passes values that differ by less than the tolerance, with nonzero metrics', () => {
    const c = compareTensors('x', 'output', tensor('float32', [3], [1, 2, 3.000001]), tensor('float32', [3], [1, 2, 3]), toleranceFor('forward', 'float32'));
    expect(c.verdict).toBe('pass');
    expect(c.metrics!.maxAbs).toBeGreaterThan(0);
    expect(c.metrics!.maxUlp).toBe(4);
  });

  it('requires non-finite values to match exactly and writes them as JSON-safe strings', () => {
    const c = compareTensors('l', 'loss', tensor('float32', [2], [NaN, 1]), tensor('float32', [2], [1, 1]), tol);
    expect(c.verdict).toBe('fail');
    expect(c.metrics!.maxAbs).toBe('Infinity');
    expect(c.metrics!.worstIndex).toEqual([0]);
    expect(compareTensors('l', 'loss', tensor('float32', [1], [NaN]), tensor('float32', [1], [NaN]), tol).verdict).toBe('pass');
  });

  it('compares integer tensors exactly whatever the tolerance', () => {
    expect(compareTensors('i', 'output', tensor('int32', [1], [3]), tensor('int32', [1], [4]), { rtol: 1, atol: 1, source: 't' }).verdict).toBe('fail');
  });

  it('unravels flat indices row-major', () => {
    expect(unravel(5, [2, 3])).toEqual([1, 2]);
    expect(unravel(0, [])).toEqual([]);
  });
});

describe('toleranceFor', () => {
  it('anchors forward on torch.testing.assert_close and widens later stages', () => {
    expect(toleranceFor('forward', 'float32')).toMatchObject({ rtol: 1.3e-6, atol: 1e-5 });
    expect(toleranceFor('forward', 'float64')).toMatchObject({ rtol: 1e-7, atol: 1e-7 });
    const order = ['forward', 'gradients', 'trajectory'] as const;
    const rtols = order.map((s) => toleranceFor(s, 'float32').rtol);
    expect(rtols).toEqual([...rtols].sort((x, y) => x - y));
    expect(rtols[0]).toBeLessThan(rtols[2]);
  });

  it('prefers the config and says so', () => {
    expect(toleranceFor('gradients', 'float32', { gradients: { float32: { rtol: 1e-3, atol: 0 } } })).toEqual({ rtol: 1e-3, atol: 0, source: 'config parity.tolerances.gradients.float32' });
  });
});
