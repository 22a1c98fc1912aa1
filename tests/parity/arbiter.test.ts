import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tensor } from '../../src/graph/tensor.ts';
import { adamStepBound, adamUpdateBound } from '../../src/parity/adam-bound.ts';
import { ARBITER_MULTIPLE, arbitrate, maxAbsError } from '../../src/parity/arbiter.ts';
import { compareTensors } from '../../src/parity/compare-tensors.ts';
import { noiseLevelElements } from '../../src/parity/noise-gradients.ts';
import { stepDiagnosis } from '../../src/parity/step-diagnosis.ts';
import { judgeFromSlots } from '../../src/parity/update-from-slots.ts';
import { adamUpdate } from '../../src/parity/adam-formula.ts';
import { GraphBuilder } from '../../src/graph/builder.ts';
import { ONNX_DTYPE_CODE } from '../../src/graph/dtype.ts';
import { toFloat64Graph } from '../../src/parity/float64-graph.ts';
import { parseOptimizerOptions } from '../../src/train/optimizers/optimizer-options.ts';

const tol = { rtol: 1.3e-6, atol: 1e-5, source: 'test' };
const f32 = (xs: readonly number[]) => tensor('float32', [xs.length], Float32Array.from(xs));
const f64 = (xs: readonly number[]) => tensor('float64', [xs.length], Float64Array.from(xs));

describe('the float64 arbiter', () => {
  it('never passes a backend further from float64 than the multiple of the reference', () => {
    const values = fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: 1, maxLength: 16 });
    fc.assert(
      fc.property(values, fc.double({ min: 1e-7, max: 1e-3, noNaN: true }), fc.double({ min: 1.01, max: 1e4, noNaN: true }), (truth, refErr, factor) => {
        const t = f64(truth);
        const ref = f64(truth.map((x, i) => x + (i === 0 ? refErr : refErr / 2)));
        // The backend: ARBITER_MULTIPLE·factor times further from float64 at one element.
        const ours = f64(truth.map((x, i) => x - (i === truth.length - 1 ? ARBITER_MULTIPLE * factor * refErr : 0)));
        const c = compareTensors('v', 'output', ours, ref, { ...tol, atol: 0, rtol: 0 });
        if (c.verdict === 'pass') return;
        const judged = arbitrate(c, ours, ref, t);
        expect(judged.verdict).toBe('fail');
        expect(judged.arbiter?.verdict).toBe('further-than-reference');
      }),
    );
  });

  it('passes a float32 backend closer to float64 than the float32 reference, reporting both errors', () => {
    const truth = f64([1.000001234, -2.5, 3.25]);
    const ref = f32([1.00003, -2.5, 3.25]);
    const ours = f32([1.0000012, -2.5, 3.25]);
    const c = compareTensors('y', 'output', ours, ref, { ...tol, atol: 0 });
    expect(c.verdict).toBe('fail');
    const judged = arbitrate(c, ours, ref, truth);
    expect(judged.verdict).toBe('pass');
    expect(judged.arbiter).toMatchObject({ verdict: 'within-reference-error', multiple: ARBITER_MULTIPLE });
    expect(judged.arbiter!.referenceError).toBeCloseTo(maxAbsError(ref, truth), 12);
  });

  it('counts the reference as at least one float32 spacing off: 1 ULP is no worse than torch rounding luckily', () => {
    const truth = f64([0.6000000012]);
    const ref = f32([0.6000000012]);
    const ours = f32([0.6000000012 + 2 ** -24]);
    const judged = arbitrate(compareTensors('s', 'grad', ours, ref, { ...tol, atol: 0, rtol: 0 }), ours, ref, truth);
    expect(judged.arbiter).toMatchObject({ verdict: 'within-reference-error', resolution: 2 ** -24 });
  });

  it('takes the larger error of the reference’s two float32 runs, and still fails a backend further than both', () => {
    const truth = f64([1, 2, 3]);
    const ref = f64([1, 2, 3 + 1e-7]);
    const reversed = f64([1, 2 + 2e-5, 3]);
    const within = f64([1, 2 - 3e-5, 3]);
    const further = f64([1, 2 - 9e-5, 3]);
    const c = (x: typeof truth) => compareTensors('p', 'param', x, ref, tol);
    expect(arbitrate(c(within), within, ref, truth).verdict).toBe('fail');
    expect(arbitrate(c(within), within, ref, truth, undefined, reversed).arbiter).toMatchObject({ verdict: 'within-reference-error', referenceRuns: 2 });
    expect(arbitrate(c(further), further, ref, truth, undefined, reversed).verdict).toBe('fail');
  });

  it('fails what a reference within float32 resolution of float64 disagrees with by more', () => {
    const truth = f64([0.5, 0.25]);
    const ours = f32([0.5, 0.2501]);
    const c = compareTensors('y', 'output', ours, f32([0.5, 0.25]), tol);
    expect(arbitrate(c, ours, f32([0.5, 0.25]), truth).verdict).toBe('fail');
  });
});

describe('Adam’s second moments, measured as square roots', () => {
  // Two elements: the backend's gradient error is at the large one (|g| 3), the reference's at the small one (|g|
  // 0.01), each 1e-5: the gradients are equally far from float64, their squares 300× apart.
  const g64 = [3, 0.01];
  const v = (g: readonly number[], b2 = 0.999) => f64(g.map((x) => (1 - b2) * x * x));
  const truth = v(g64);
  const ref = v([3, 0.01 + 1e-5]);
  const judge = (ours: ReturnType<typeof f64>, name = 'w/exp_avg_sq') => arbitrate(compareTensors(name, 'slot', ours, ref, { ...tol, atol: 0, rtol: 0 }), ours, ref, truth);

  it('passes a slot that squares a gradient within the reference’s error, which its raw values would fail', () => {
    const ours = v([3 + 1e-5, 0.01]);
    expect(judge(ours, 'w/not_a_second_moment').verdict).toBe('fail');
    expect(judge(ours).arbiter).toMatchObject({ verdict: 'within-reference-error', measuredOn: 'sqrt' });
    expect(judge(ours, 'w/max_exp_avg_sq').verdict).toBe('pass');
  });

  it('still fails a second moment with the wrong β₂, and any whose square root is further than the multiple', () => {
    expect(judge(v([3 + 1e-5, 0.01], 0.99)).verdict).toBe('fail');
    fc.assert(
      fc.property(fc.double({ min: 1.01, max: 1e4, noNaN: true }), (factor) => {
        // √v off by ARBITER_MULTIPLE·factor times the reference's √v error (1e-5·√(1 − β₂)) at the large element.
        const off = Math.sqrt(0.001) * 3 + ARBITER_MULTIPLE * factor * 1e-5 * Math.sqrt(0.001);
        const judged = judge(f64([off * off, 0.001 * 1e-4]));
        expect(judged.verdict).toBe('fail');
      }),
    );
  });
});

describe('the float64 version of a graph (what the arbiter differentiates for a rule)', () => {
  it('widens every float32 value, initializer, constant and Cast to float64, and leaves integers alone', () => {
    const b = new GraphBuilder('g');
    const x = b.input('x', 'float32', [2]);
    const i = b.input('i', 'int64', [2]);
    const y = b.cast(b.add(b.mul(x, b.scalar(1 / 3, 'float32')), b.cast(i, 'float32')), 'float32');
    b.output(y, 'y');
    const g = toFloat64Graph(b.build());
    expect(g.inputs.map((v) => v.dtype)).toEqual(['float64', 'int64']);
    expect(g.outputs.map((v) => v.dtype)).toEqual(['float64']);
    expect(g.nodes.filter((n) => n.op === 'Cast').map((n) => n.attrs.to)).toEqual([ONNX_DTYPE_CODE.float64, ONNX_DTYPE_CODE.float64]);
    expect([...g.values.values()].filter((v) => v.dtype === 'float32')).toEqual([]);
    const constants = [...g.initializers.values(), ...g.nodes.flatMap((n) => Object.values(n.attrs).filter((a) => typeof a === 'object' && a !== null && 'dtype' in a))];
    expect(constants.length).toBeGreaterThan(0);
    for (const t of constants) expect((t as { dtype: string }).dtype).not.toBe('float32');
  });
});

describe('noise-level gradients', () => {
  it('are the elements whose float64 gradient is below the float32 errors scaled to float64 precision', () => {
    // Element 0: a real gradient with float32 rounding; element 1: zero in exact arithmetic, noise everywhere.
    const truth = new Map([['b', f64([0.3, 2e-18])]]);
    const ref = new Map([['b', f32([0.30000001, 3e-9])]]);
    const ours = new Map([['b', f32([0.29999998, -5e-9])]]);
    expect([...(noiseLevelElements(['b'], ours, ref, truth).get('b') ?? [])]).toEqual([1]);
  });

  it('Adam moves an element by at most lr on update 1 and by the Cauchy–Schwarz bound after', () => {
    const adam = parseOptimizerOptions({ name: 'adam' });
    expect(adamStepBound(adam, 1)).toBeCloseTo(1, 12);
    expect(adamStepBound(adam, 20)).toBeGreaterThan(1);
    expect(adamStepBound(adam, 20)).toBeLessThan(1.2);
    expect(adamStepBound(parseOptimizerOptions({ name: 'sgd', lr: 0.1 }), 1)).toBeUndefined();
    // Worst case for t = 2: the gradients that make Cauchy–Schwarz tight (g_i ∝ (β1/β2)^(t−i)).
    const [b1, b2] = [0.9, 0.999];
    const g = [b1 / b2, 1];
    const m = (1 - b1) * (b1 * g[0] + g[1]);
    const v = (1 - b2) * (b2 * g[0] ** 2 + g[1] ** 2);
    const ratio = m / (1 - b1 ** 2) / Math.sqrt(v / (1 - b2 ** 2));
    expect(ratio).toBeCloseTo(adamStepBound(adam, 2)!, 12);
    expect(adamUpdateBound(adam, [0.01, 0.01], 0)).toBeCloseTo(0.01 * (1 + adamStepBound(adam, 2)!), 14);
  });
});

describe('step diagnosis', () => {
  const adam = parseOptimizerOptions({ name: 'adam' });
  const start = new Map([['w', f32([0.5])]]);
  const slots = new Map([['w/exp_avg', f32([0.1 * 0.2])], ['w/exp_avg_sq', f32([0.001 * 0.04])]]);
  const diverged = (w: number) => [compareTensors('w', 'param', f32([w]), f32([0.49]), tol), ...[...slots].map(([k, t]) => compareTensors(k, 'slot', t, t, tol))];

  it('blames bias correction or eps only when the update is not what Adam computes from the slots', () => {
    const noCorrection = 0.5 - (0.01 * 0.02) / (Math.sqrt(0.00004) + 1e-8);
    const ours = new Map([['w', f32([noCorrection])], ...slots]);
    expect(stepDiagnosis(diverged(noCorrection), ours, new Map([['w', f32([0.49])], ...slots]), start, 0.01, adam, tol)).toContain('bias correction');
  });

  it('does not when the update follows from the slots (a gradient at rounding level flipped its sign)', () => {
    const ours = new Map([['w', f32([0.49])], ['w/exp_avg', f32([0.1 * 0.2])], ['w/exp_avg_sq', f32([0.001 * 0.04])]]);
    const ref = new Map([['w', f32([0.51])], ['w/exp_avg', f32([-0.1 * 0.2])], ['w/exp_avg_sq', f32([0.001 * 0.04])]]);
    const tensors = [compareTensors('w', 'param', f32([0.49]), f32([0.51]), tol), compareTensors('w/exp_avg', 'slot', f32([0.02]), f32([-0.02]), { ...tol, atol: 1 })];
    const text = stepDiagnosis(tensors, ours, ref, start, 0.01, adam, tol);
    expect(text).not.toContain('bias correction');
    expect(text).toContain('update rule is right');
  });
});

describe('step diagnosis of slots that differ', () => {
  const adam = parseOptimizerOptions({ name: 'adam' });
  const start = new Map([['w', f32([0.5, -0.25])]]);
  // The backend's gradient differs from torch's (0.31 vs 0.3); its slots are Adam's update of its own gradient.
  const g = [0.31, -2e-3];
  const slotsOf = (grad: readonly number[], b2 = 0.999) => new Map([['w/exp_avg', f32(grad.map((x) => 0.1 * x))], ['w/exp_avg_sq', f32(grad.map((x) => (1 - b2) * x * x))]]);
  const torch = slotsOf([0.3, -2e-3]);
  const diagnose = (ours: Map<string, ReturnType<typeof f32>>) => {
    const tensors = [...ours].map(([k, t]) => compareTensors(k, 'slot', t, torch.get(k), tol));
    return stepDiagnosis(tensors, ours, torch, start, 1e-3, adam, tol, new Map([['w', f32(g)]]));
  };

  it('blames the gradient when the slots are torch.optim’s slot update of the backend’s own gradient', () => {
    const text = diagnose(slotsOf(g));
    expect(text).toContain("each is torch.optim's slot update of the backend's own gradient");
    expect(text).toContain('the gradient differs');
  });

  it('blames the slot update when they are not (exp_avg_sq decaying with β₂ 0.99)', () => {
    const text = diagnose(slotsOf(g, 0.99));
    expect(text).toContain('the slot update itself');
    expect(text).not.toContain("the backend's own gradient");
  });
});

describe('an Adam update near eps, judged by backward stability', () => {
  // Element 0: gradient 3.58e-8 (near eps 1e-8; measured on squeezenet1_1's features.6.expand3x3.weight), its float32
  // gradient 0.7% off on torch and 3% off on the backend. Element 1: an ordinary gradient, torch's rounding the larger.
  // Adam's update amplifies element 0's difference to 4.4× the reference's distance from float64, though each side's
  // parameter is exactly Adam's update of its own slots.
  const adam = parseOptimizerOptions({ name: 'adam', lr: 1e-2 });
  const lr = 1e-2;
  const p0 = [0.06624, -0.125];
  const torchFormula = adamUpdate(adam, lr, 1)!;
  const after = (g: readonly number[], make: (xs: readonly number[]) => ReturnType<typeof f32>, formula = torchFormula) => {
    const [m, v] = [g.map((x) => 0.1 * x), g.map((x) => 0.001 * x * x)];
    return new Map([['w', make(p0.map((p, i) => formula(p, m[i], v[i])))], ['w/exp_avg', make(m)], ['w/exp_avg_sq', make(v)]]);
  };
  const truth = after([3.5791e-8, 0.0213], f64);
  const ref = after([3.5531e-8, 0.0213 + 2e-9], f32);
  const oursGradient = [3.4664e-8, 0.0213 - 1e-9];
  const before = new Map([['w', f32(p0)]]);
  const judge = (ours: Map<string, ReturnType<typeof f32>>) => {
    const c = arbitrate(compareTensors('w', 'param', ours.get('w'), ref.get('w'), tol), ours.get('w'), ref.get('w'), truth.get('w'));
    return judgeFromSlots(c, adam, { before: { ours: before, ref: before }, ours, ref, truth, index: 1, lr: { ours: lr, ref: lr } });
  };

  it('passes a parameter further from float64 than the reference when it is Adam’s update of slots within float32 error', () => {
    const judged = judge(after(oursGradient, f32));
    expect(judged.arbiter?.verdict).toBe('further-than-reference');
    expect(judged.verdict).toBe('pass');
    expect(judged.fromSlots).toMatchObject({ within: true, multiple: ARBITER_MULTIPLE });
  });

  it('never passes a parameter further from the formula of its own slots than the multiple of the reference', () => {
    fc.assert(
      fc.property(fc.double({ min: 1.01, max: 1e6, noNaN: true }), fc.constantFrom(1, -1), (factor, sign) => {
        const ours = after(oursGradient, f32);
        const w = [...ours.get('w')!.data].map(Number);
        const formulaOf = (side: typeof ours) => torchFormula(p0[0], Number(side.get('w/exp_avg')!.data[0]), Number(side.get('w/exp_avg_sq')!.data[0]));
        const refError = Math.abs(Number(ref.get('w')!.data[0]) - formulaOf(ref));
        // At least the float32 spacing of the parameter: the floor the rule uses.
        const floor = Math.max(refError, 2 ** (Math.floor(Math.log2(Math.abs(truth.get('w')!.data[1] as number))) - 23));
        w[0] = formulaOf(ours) + sign * ARBITER_MULTIPLE * factor * floor * 1.01;
        ours.set('w', f32(w));
        const judged = judge(ours);
        // Moved back toward torch or float64 it passes the tolerance or the arbiter's own rule (covered above).
        if (judged.arbiter?.verdict !== 'further-than-reference') return;
        expect(judged.verdict).toBe('fail');
        expect(judged.fromSlots?.within).toBe(false);
      }),
    );
  });

  it('fails Adam without bias correction, whose parameter is not the formula of its slots', () => {
    const noCorrection = (p: number, m: number, v: number) => p - (lr * m) / (Math.sqrt(v) + 1e-8);
    const judged = judge(after(oursGradient, f32, noCorrection));
    expect(judged.verdict).toBe('fail');
    expect(judged.fromSlots?.within).toBe(false);
  });

  it('leaves the verdict alone when a slot is further from float64 than the reference’s (a wrong slot update)', () => {
    const ours = after(oursGradient, f32);
    ours.set('w/exp_avg_sq', f32(oursGradient.map((x) => 0.01 * x * x)));
    const judged = judge(ours);
    expect(judged.verdict).toBe('fail');
    expect(judged.fromSlots).toBeUndefined();
  });
});
