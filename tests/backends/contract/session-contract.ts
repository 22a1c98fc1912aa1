import { describe, expect, it } from 'vitest';
import { tensor, type Tensor } from '../../../src/graph/tensor.ts';
import type { Session } from '../../../src/contracts/backend.ts';
import { buildTrainingProgram, type TrainingProgram } from '../../../src/train/program.ts';
import { smallSpec } from '../../training/helpers.ts';

/**
 * The Session contract of specs/backend.md §3, as tests any backend must pass (tfjs-core's `describeWithFlags`
 * idea: one spec, registered once per backend). `compile` turns a program into a fresh session of the backend
 * under test; `skip`, when set, is the printed reason the backend cannot run here.
 *
 * The program is a small tanh MLP with Adam and gradient clipping, so the state has parameters and slots, and a
 * step reports a gradient norm. Backend-specific behaviour (memory, threads, dtypes, devices, agreement with
 * another backend) stays in each backend's own tests.
 */
export interface SessionUnderTest {
  readonly backend: string;
  readonly compile: (program: TrainingProgram) => Promise<Session>;
  readonly skip?: string;
}

const BATCH = 4;

function batch(k: number, n = BATCH): Map<string, Tensor> {
  const x = Array.from({ length: 2 * n }, (_, i) => Math.sin(i + 3 * k));
  const u = Array.from({ length: n }, (_, i) => Math.cos(2 * i + k));
  return new Map([['x', tensor('float32', [n, 2], x)], ['u', tensor('float32', [n, 1], u)]]);
}

/** The state as plain arrays by name, for exact comparison. */
function snapshot(state: ReadonlyMap<string, Tensor>): Record<string, { dtype: string; shape: readonly number[]; data: number[] }> {
  return Object.fromEntries([...state].map(([n, t]) => [n, { dtype: t.dtype, shape: t.shape, data: Array.from(t.data as ArrayLike<number>) }]));
}

/** Losses from two graphs of one backend (step vs loss) may differ by the last bits of float32 kernels. */
const closeTo = (actual: number, expected: number) => expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(expected)));

export function describeSessionContract({ backend, compile, skip }: SessionUnderTest): void {
  if (skip) console.log(`[session-contract] skipping the ${backend} session contract: ${skip}`);

  describe.skipIf(!!skip)(`Session contract: ${backend}`, () => {
    async function open(): Promise<{ program: TrainingProgram; session: Session }> {
      const program = buildTrainingProgram(await smallSpec({ clip: { max_norm: 0.5 } }), BATCH);
      return { program, session: await compile(program) };
    }

    it('starts from the program initial state; getState holds every state name in order, as copies', async () => {
      const { program, session } = await open();
      const state = session.getState();
      expect([...state.keys()]).toEqual(program.stateNames);
      expect(snapshot(state)).toStrictEqual(snapshot(program.initialState()));
      // Writing into what getState returned must not reach the session.
      for (const t of state.values()) (t.data as Float32Array).fill(42);
      expect(snapshot(session.getState())).toStrictEqual(snapshot(program.initialState()));
      await session.dispose();
    });

    it('step returns the loss at the parameters before the update, and moves every parameter and slot', async () => {
      const { program, session } = await open();
      const before = await session.evaluate(batch(0));
      const initial = snapshot(session.getState());
      const result = await session.step(batch(0), 0.05, 1);
      closeTo(result.loss, before.loss);
      closeTo(result.terms.data, before.terms.data);
      expect(result.gradNorm).toBeGreaterThan(0);
      const after = snapshot(session.getState());
      for (const n of program.stateNames) expect(after[n].data, `${n} after one step`).not.toEqual(initial[n].data);
      expect((await session.evaluate(batch(0))).loss).not.toBe(before.loss);
      await session.dispose();
    });

    it('evaluate, forward and gradients read the current state and leave it as it was', async () => {
      const { program, session } = await open();
      await session.step(batch(0), 0.05, 1);
      const state = snapshot(session.getState());
      const evaluated = await session.evaluate(batch(1));
      const grads = await session.gradients(batch(1));
      closeTo(grads.loss, evaluated.loss);
      expect([...grads.grads.keys()]).toEqual(program.params.map((p) => p.name));
      for (const p of program.params) expect(grads.grads.get(p.name)!.shape, `grad:${p.name}`).toEqual(state[p.name].shape);
      const out = await session.forward(batch(1), { extraOutputs: ['Tanh_0'] });
      expect([...out.keys()]).toEqual(['y', 'Tanh_0']);
      expect(out.get('y')!.shape).toEqual([BATCH, 1]);
      expect(out.get('Tanh_0')!.shape).toEqual([BATCH, 8]);
      // Validation batches may have another size.
      expect(Number.isFinite((await session.evaluate(batch(2, 6))).loss)).toBe(true);
      expect(snapshot(session.getState())).toStrictEqual(state);
      await session.dispose();
    });

    it('setState then getState round-trips exactly, and steps from a restored state repeat exactly', async () => {
      const { session } = await open();
      const start = session.getState();
      const loss0 = (await session.evaluate(batch(0))).loss;
      await session.step(batch(0), 0.05, 1);
      const afterOne = snapshot(session.getState());
      await session.step(batch(1), 0.05, 2);
      session.setState(start);
      expect(snapshot(session.getState())).toStrictEqual(snapshot(start));
      expect((await session.evaluate(batch(0))).loss).toBe(loss0);
      // Slots are state too: the same step from the same state lands on the same parameters and slots.
      await session.step(batch(0), 0.05, 1);
      expect(snapshot(session.getState())).toStrictEqual(afterOne);
      await session.dispose();
    });

    it('setState refuses a partial, unknown or mis-shaped state, naming the key, and keeps the state it had', async () => {
      const { session } = await open();
      const state = session.getState();
      const kept = snapshot(state);
      expect(() => session.setState(new Map([['layers.0.weight', state.get('layers.0.weight')!]]))).toThrow('setState: no value for "layers.0.bias"');
      expect(() => session.setState(new Map([...state, ['nope', state.get('layers.0.bias')!]]))).toThrow('setState: "nope" are not state of this program');
      const wrong = new Map(state).set('layers.0.weight', tensor('float32', [3, 3], new Array(9).fill(0)));
      expect(() => session.setState(wrong)).toThrow(/setState: "layers\.0\.weight" is float32\[3, ?3\] but the .*session holds float32\[2, ?8\]/);
      expect(snapshot(session.getState())).toStrictEqual(kept);
      await session.dispose();
    });

    it('step refuses a negative or non-finite learning rate and a step index below 1; lr 0 leaves the parameters', async () => {
      const { program, session } = await open();
      const kept = snapshot(session.getState());
      await expect(session.step(batch(0), -1e-3, 1)).rejects.toThrow('step 1: the learning rate must be a finite number >= 0, got -0.001');
      await expect(session.step(batch(0), Number.NaN, 2)).rejects.toThrow('got NaN');
      await expect(session.step(batch(0), Number.POSITIVE_INFINITY, 3)).rejects.toThrow('got Infinity');
      await expect(session.step(batch(0), 0.05, 0)).rejects.toThrow("the step index is 1-based (torch's state['step']), got 0");
      expect(snapshot(session.getState())).toStrictEqual(kept);
      // A schedule may reach lr 0: Adam's moments move, the parameters do not.
      await session.step(batch(0), 0, 1);
      const after = snapshot(session.getState());
      for (const p of program.params) expect(after[p.name], p.name).toStrictEqual(kept[p.name]);
      await session.dispose();
    });

    it('every method throws after dispose', async () => {
      const { session } = await open();
      const state = session.getState();
      await session.dispose();
      await expect(session.step(batch(0), 0.05, 1)).rejects.toThrow(/disposed/);
      await expect(session.evaluate(batch(0))).rejects.toThrow(/disposed/);
      await expect(session.forward(batch(0))).rejects.toThrow(/disposed/);
      await expect(session.gradients(batch(0))).rejects.toThrow(/disposed/);
      expect(() => session.getState()).toThrow(/disposed/);
      expect(() => session.setState(state)).toThrow(/disposed/);
    });
  });
}
