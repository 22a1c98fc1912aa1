import fc from 'fast-check';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { GradRule } from '../../src/autodiff/rule.ts';
import { defaultRules } from '../../src/autodiff/register-all-rules.ts';
import { GraphBuilder } from '../../src/graph/builder.ts';
import type { Graph } from '../../src/graph/ir.ts';
import { tensor, type Tensor } from '../../src/graph/tensor.ts';
import { builtinPlugins as compositionPlugins } from '../../src/orchestrator/composition-root.ts';
import { runParity } from '../../src/orchestrator/parity/run-parity.ts';
import { constructPlugin } from '../../src/orchestrator/plugins/construct-plugin.ts';
import { ARBITER_MULTIPLE, float32Spacing } from '../../src/parity/arbiter.ts';
import { kinkSide } from '../../src/parity/judge-kinks.ts';
import { flippedElements, forceKinks, kinkFeeds, kinkNodes, pieces } from '../../src/parity/kink-ops.ts';
import type { SideOverride } from '../../src/parity/run-cases.ts';
import { LiveTorchReference } from '../../src/plugins/backends/torch/live-torch-reference.ts';
import { builtinPlugins } from '../../src/plugins/index.ts';
import { openReference } from '../backends/torch/torch-available.ts';
import { flushingBackend, kinkMlpModel, shiftingBackend, writeKinkExperiment } from './kink-fixture.ts';

const f32 = (xs: readonly number[]) => tensor('float32', [xs.length], Float32Array.from(xs));
const f64 = (xs: readonly number[]) => tensor('float64', [xs.length], Float64Array.from(xs));

/** y = op(x) for one piecewise op on a [6] input. */
function oneOp(op: (b: GraphBuilder, x: ReturnType<GraphBuilder['input']>) => ReturnType<GraphBuilder['input']>): Graph {
  const b = new GraphBuilder('kink-op');
  b.output(op(b, b.input('x', 'float32', [6])), 'y');
  return b.build();
}

const OPS: Record<string, Graph> = {
  Relu: oneOp((b, x) => b.relu(x)),
  LeakyRelu: oneOp((b, x) => b.op1('LeakyRelu', [x], { alpha: 0.2 })),
  Abs: oneOp((b, x) => b.op1('Abs', [x])),
  Clip: oneOp((b, x) => b.op1('Clip', [x, b.constant(tensor('float32', [], [-0.5])), b.constant(tensor('float32', [], [0.75]))])),
};

describe('kink pieces (kink-ops.ts)', () => {
  const x = f32([-2, -0.5, 0, 1e-7, 0.75, 3]);
  const ort = constructPlugin(compositionPlugins, 'backend', 'onnxruntime', { threads: 1 }).then((b) => b.executor());
  afterAll(async () => (await ort).dispose());

  it.each(Object.keys(OPS))('%s forced to its own pieces computes the op (the same function, on onnxruntime)', async (op) => {
    const graph = OPS[op];
    const [node] = kinkNodes(graph);
    expect(node.op).toBe(op);
    const own = new Map([[node.name, pieces(graph, node, x)]]);
    const forced = forceKinks(graph, own);
    const executor = await ort;
    const plain = (await executor.run(graph, new Map([['x', x]]))).get('y')!;
    const feeds = new Map([['x', x], ...[...kinkFeeds(graph, own)].map(([k, t]) => [k, tensor('float32', t.shape, t.data as Float64Array)] as const)]);
    const viaPieces = (await executor.run(forced.graph, feeds)).get('y')!;
    // + 0 turns −0 (x·0 for a negative x) into the +0 Relu writes: the same number.
    const values = (t: Tensor) => Array.from(t.data as Float32Array, (v) => v + 0);
    expect(values(viaPieces)).toEqual(values(plain));
  });

  it('tells which elements lie on another piece, with the slope at the kink the gradient rules use', () => {
    const graph = OPS.Clip;
    const [node] = kinkNodes(graph);
    const p = pieces(graph, node, f64([-0.6, -0.5, 0, 0.75, 0.8, 2]));
    expect(Array.from(p.slope)).toEqual([0, 1, 1, 1, 0, 0]);
    expect(Array.from(p.offset!)).toEqual([-0.5, 0, 0, 0, 0.75, 0.75]);
    const relu = kinkNodes(OPS.Relu)[0];
    expect(flippedElements(pieces(OPS.Relu, relu, f64([1e-7, -1, 0])), pieces(OPS.Relu, relu, f64([-1e-7, -1, 1e-9])))).toEqual([0, 2]);
  });

  it('leaves out a Clip whose bounds are computed (one slope per element cannot say them)', () => {
    const b = new GraphBuilder('computed-clip');
    const x = b.input('x', 'float32', [3]);
    const lo = b.input('lo', 'float32', []);
    b.output(b.op1('Clip', [x, lo]), 'y');
    expect(kinkNodes(b.build())).toEqual([]);
  });
});

describe('the kink rule refuses a flip that rounding does not explain', () => {
  const graph = OPS.Relu;
  const node = kinkNodes(graph)[0];
  const values = fc.array(fc.double({ min: 0.01, max: 10, noNaN: true }), { minLength: 5, maxLength: 5 });

  it('flags a backend input further from float64 than the arbiter allows, and clears one within it', () => {
    fc.assert(
      fc.property(values, fc.double({ min: 1e-9, max: 1e-6, noNaN: true }), fc.double({ min: 1.01, max: 1e4, noNaN: true }), (rest, refErr, factor) => {
        // Element 0 sits just above the kink in float64; the backend puts it below, by `away` from float64.
        const truth = [1e-9, ...rest];
        const ref = truth.map((t, i) => t + (i === 1 ? refErr : 0));
        const allowed = ARBITER_MULTIPLE * Math.max(refErr, float32Spacing(f64(truth)));
        const side = (away: number) => kinkSide(graph, node, f64(truth.map((t, i) => (i === 0 ? t - away : t))), f64(ref), f64(truth));
        const far = side(factor * allowed);
        expect(far.oursFlips).toBe(1);
        expect(far.input.within).toBe(false);
        const near = side(Math.min(allowed, 2e-9));
        expect(near.oursFlips).toBe(1);
        expect(near.input.within).toBe(true);
      }),
    );
  });
});

/** One torch process and the kink experiment for the parity runs below. */
const { ref, skip } = await openReference('tests/parity/kink.test.ts');
await ref.dispose();
const reference = skip ? undefined : new LiveTorchReference();
const outputs = mkdtempSync(join(tmpdir(), 'tandem-parity-kink-'));
const config = writeKinkExperiment();

async function stage(side: SideOverride, name: 'gradients' | 'step' | 'trajectory' = 'step') {
  const { report } = await runParity({
    configFile: config,
    overrides: [],
    builtins: [...builtinPlugins, kinkMlpModel],
    outputsRoot: outputs,
    selectors: [`*/onnxruntime/${name}`],
    reference: reference!,
    sides: { onnxruntime: side },
  });
  return report.cases[0];
}

/** d relu = 0.01·g below the kink: a wrong rule. */
const leakyReluRule: GradRule = { op: 'Relu', grad: ({ b, g, x: [x], scalar }) => [b.where(b.op1('Greater', [x!, scalar(0)]), g, b.mul(g, scalar(0.01)))] };

describe.skipIf(skip)('the kink rule in parity stages (onnxruntime vs live torch, a ReLU input planted at δ = 3e-7 on every sample)', () => {
  afterAll(async () => reference?.dispose());

  it('passes a backend whose rounding put the planted ReLU input on the other side: float64 with its mask forced agrees', async () => {
    const c = await stage({ backend: flushingBackend });
    expect(c.verdict, c.reason).toBe('pass');
    const kinked = c.tensors.filter((t) => t.kink);
    // The flip moves fc1's gradient by a finite amount: plain float64 cannot clear it, float64 on the backend's side does.
    expect(kinked.map((t) => t.name)).toContain('fc1.weight');
    for (const t of kinked) expect(t).toMatchObject({ arbiter: { verdict: 'further-than-reference' }, kink: { flipped: 4, within: true } });
    expect(c.notes?.join('\n')).toContain('kink rule: 4 elements of the input of Relu');
  }, 120_000);

  it('still fails a wrong ReLU gradient rule on the same flip', async () => {
    const c = await stage({ backend: flushingBackend, spec: (s) => ({ ...s, rules: defaultRules.with(leakyReluRule) }) });
    expect(c.verdict).toBe('fail');
    expect(c.tensors.some((t) => t.kink && !t.kink.within)).toBe(true);
    expect(c.notes?.join('\n')).toContain('not explained by the flip, the verdict stands');
  }, 120_000);

  it('passes the gradients at the initial state the same way, and still fails them with the wrong ReLU rule', async () => {
    const flushed = await stage({ backend: flushingBackend }, 'gradients');
    expect(flushed.verdict, flushed.reason).toBe('pass');
    expect(flushed.tensors.find((t) => t.name === 'grad:fc1.weight')).toMatchObject({ arbiter: { verdict: 'further-than-reference' }, kink: { flipped: 4, within: true } });
    const wrong = await stage({ backend: flushingBackend, spec: (s) => ({ ...s, rules: defaultRules.with(leakyReluRule) }) }, 'gradients');
    expect(wrong.verdict).toBe('fail');
    expect(wrong.tensors.find((t) => t.name === 'grad:fc1.weight')).toMatchObject({ kink: { within: false } });
  }, 120_000);

  it('passes the trajectory update by update: the flushed unit never trains on the backend, and every update flips it', async () => {
    const c = await stage({ backend: flushingBackend }, 'trajectory');
    expect(c.verdict, c.reason).toBe('pass');
    expect(c.tensors.find((t) => t.name === 'fc1.weight')).toMatchObject({ arbiter: { verdict: 'further-than-reference' }, updates: { steps: 3 } });
    const notes = c.notes?.join('\n') ?? '';
    for (const u of [1, 2, 3]) expect(notes).toContain(`update ${u}: kink rule: 4 elements of the input of Relu`);
  }, 120_000);

  it('refuses a flip made by a wrong forward (the ReLU input moved 1e-3, far beyond rounding)', async () => {
    const c = await stage({ backend: shiftingBackend });
    expect(c.verdict).toBe('fail');
    expect(c.tensors.some((t) => t.kink)).toBe(false);
    expect(c.notes?.join('\n')).toMatch(/kink rule: .* Relu .* lies? on another side .* further from float64 than 4× the reference .*: not rounding, the verdict stands/);
  }, 120_000);
});

