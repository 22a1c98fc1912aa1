// spec: specs/sweeps.md §1 (sweep grammar, sweep functions, job order, job overrides)
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseOverrideValue, type OverrideValue } from '../../src/orchestrator/config/override-value.ts';
import { formatOverrideValue } from '../../src/orchestrator/sweep/override-format.ts';
import { MAX_SWEEP_JOBS, planSweep } from '../../src/orchestrator/sweep/sweep-plan.ts';

describe('planSweep', () => {
  it('takes the Cartesian product with the last swept key varying fastest, as Hydra BasicSweeper numbers jobs', () => {
    const plan = planSweep(['train.optimizer.lr=1e-3,3e-4', 'train.epochs=2', 'backend=onnxruntime,tfjs,torch']);
    expect(plan.dimensions).toStrictEqual([
      { key: 'train.optimizer.lr', values: ['0.001', '0.0003'] },
      { key: 'backend', values: ['onnxruntime', 'tfjs', 'torch'] },
    ]);
    expect(plan.jobs.map((j) => [j.index, j.overrides.join(' ')])).toStrictEqual([
      [0, 'train.optimizer.lr=0.001 train.epochs=2 backend=onnxruntime'],
      [1, 'train.optimizer.lr=0.001 train.epochs=2 backend=tfjs'],
      [2, 'train.optimizer.lr=0.001 train.epochs=2 backend=torch'],
      [3, 'train.optimizer.lr=0.0003 train.epochs=2 backend=onnxruntime'],
      [4, 'train.optimizer.lr=0.0003 train.epochs=2 backend=tfjs'],
      [5, 'train.optimizer.lr=0.0003 train.epochs=2 backend=torch'],
    ]);
  });

  it('keeps non-swept overrides as typed and in place, and a sweep-free command line is one job', () => {
    expect(planSweep(['+train.clip_grad_norm={max_norm: 1}', 'experiment.seed=3']).jobs).toStrictEqual([
      { index: 0, overrides: ['+train.clip_grad_norm={max_norm: 1}', 'experiment.seed=3'] },
    ]);
    expect(planSweep([]).jobs).toStrictEqual([{ index: 0, overrides: [] }]);
  });

  it('keeps the + and ++ prefixes on swept keys, and writes quoted, list and special values so they parse back', () => {
    const plan = planSweep(["++a.b='x,y',\"it's\"", '+c=[1, 2],{k: null}', 'd=inf,nan,-inf']);
    expect(plan.jobs[0].overrides).toStrictEqual(["++a.b='x,y'", '+c=[1, 2]', 'd=inf']);
    expect(plan.jobs.at(-1)!.overrides).toStrictEqual(["++a.b='it\\'s'", '+c={k: null}', 'd=-inf']);
    expect(parseOverrideValue("'it\\'s'")).toStrictEqual(["it's"]);
  });

  it('expands range(…) and choice(…) like comma sweeps, the last key still varying fastest', () => {
    const plan = planSweep(['train.epochs=range(1,4)', 'train.optimizer.lr=choice(1e-3,3e-4)', 'backend=tfjs']);
    expect(plan.dimensions).toStrictEqual([
      { key: 'train.epochs', values: ['1', '2', '3'] },
      { key: 'train.optimizer.lr', values: ['0.001', '0.0003'] },
    ]);
    expect(plan.jobs.map((j) => j.overrides.join(' '))).toStrictEqual([
      'train.epochs=1 train.optimizer.lr=0.001 backend=tfjs',
      'train.epochs=1 train.optimizer.lr=0.0003 backend=tfjs',
      'train.epochs=2 train.optimizer.lr=0.001 backend=tfjs',
      'train.epochs=2 train.optimizer.lr=0.0003 backend=tfjs',
      'train.epochs=3 train.optimizer.lr=0.001 backend=tfjs',
      'train.epochs=3 train.optimizer.lr=0.0003 backend=tfjs',
    ]);
    // A float range gives each job the value Hydra computes, 0.4 included: Hydra's 28-digit decimal sum of four
    // 0.1s falls just below Decimal(0.4), the exclusive stop (checked against Python). A one-value choice is still a sweep.
    expect(planSweep(['x=range(0.1,0.4,0.1)', 'y=choice(a)']).jobs.map((j) => j.overrides.join(' '))).toStrictEqual(['x=0.1 y=a', 'x=0.2 y=a', 'x=0.30000000000000004 y=a', 'x=0.4 y=a']);
  });

  it('refuses a bad range before planning anything, and counts range values against the job limit', () => {
    expect(() => planSweep(['train.epochs=range(3,1)'])).toThrow(/range\(3, 1, 1\) is empty/);
    expect(() => planSweep(['train.epochs=range(1,3,0)'])).toThrow(/has step 0/);
    expect(() => planSweep(['~train.epochs=range(1,3)'])).toThrow(/a delete cannot be swept/);
    expect(() => planSweep(['a=range(100)', 'b=range(11)'])).toThrow(new RegExp(`1100 jobs \\(100 values of a × 11 values of b\\); at most ${MAX_SWEEP_JOBS}`));
  });

  it('refuses a swept delete, a swept executor and a sweep past the job limit, saying what to do', () => {
    expect(() => planSweep(['~train.schedule=a,b'])).toThrow(/a delete cannot be swept\. Write ~train\.schedule/);
    expect(() => planSweep(['executor.concurrency=1,2'])).toThrow(/sweeps the executor, which says where jobs run/);
    const big = ['a=1,2,3,4,5,6,7,8,9,10', 'b=1,2,3,4,5,6,7,8,9,10', 'c=1,2,3,4,5,6,7,8,9,10,11'];
    expect(() => planSweep(big)).toThrow(new RegExp(`1100 jobs .* at most ${MAX_SWEEP_JOBS}`));
  });
});

describe('formatOverrideValue', () => {
  // Any value the grammar can express comes back unchanged: a job's override means what the sweep element meant.
  const text = fc.oneof(fc.string(), fc.constantFrom('true', 'null', '01', '1e3', ' x ', 'a,b', "q'", '${x}', 'f(1)', 'a\\b', ''));
  const scalar: fc.Arbitrary<OverrideValue> = fc.oneof(
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double(),
    text.filter((s) => !s.includes('\u0000')),
  );
  const value = fc.letrec<{ v: OverrideValue }>((tie) => ({
    v: fc.oneof({ depthSize: 'small' }, scalar, fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(fc.string({ minLength: 1 }).filter((k) => !k.includes('\u0000') && k !== '__proto__' && k !== 'constructor'), tie('v'), { maxKeys: 3, noNullPrototype: true })),
  })).v;

  // `constructor` is left out as a key only because toStrictEqual compares the `constructor` property of the two
  // objects (two different arrays there); the seed is fixed so CI runs the same 500 cases every time.
  it('round-trips through the override parser', () => {
    fc.assert(
      fc.property(value, (v) => {
        expect(parseOverrideValue(formatOverrideValue(v))).toStrictEqual([Object.is(v, -0) ? 0 : v]);
      }),
      { numRuns: 500, seed: 20261123 },
    );
  });
});

// spec: specs/sweeps.md §1 — the sweep-function table in the spec is executed here, so the document cannot rot.
describe('sweep-function examples in the spec', () => {
  const spec = readFileSync('specs/sweeps.md', 'utf8');
  const rows = [...spec.matchAll(/^\| `(\S+=(?:range|choice)\(.*\))` \| `(.*)` \|$/gm)].map((m) => [m[1], m[2]] as const);

  it('the table is there', () => {
    expect(rows.length).toBeGreaterThan(5);
  });

  it.each(rows)('`%s` gives the jobs %s', (override, values) => {
    const plan = planSweep([override]);
    expect(plan.dimensions[0].values.join(' ')).toBe(values);
    expect(plan.jobs).toHaveLength(plan.dimensions[0].values.length);
  });
});
