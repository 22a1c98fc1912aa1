import { defaultRules } from '../../src/autodiff/register-all-rules.ts';
import type { GradRule } from '../../src/autodiff/rule.ts';
import { Graph, type Node } from '../../src/graph/ir.ts';
import { replacingBackend, rewrittenGraphs } from './planted-backend.ts';
import type { Backend } from '../../src/contracts/backend.ts';
import type { SideOverride } from '../../src/parity/run-cases.ts';
import type { StageName } from '../../src/parity/report.ts';
import { Adam, torchBiasCorrection, type BiasCorrection } from '../../src/train/optimizers/adam.ts';
import type { AdamOptions } from '../../src/train/optimizers/optimizer-options.ts';
import { scalarLike } from '../../src/train/optimizers/graph-optimizer.ts';
import { tensor } from '../../src/graph/tensor.ts';
import type { TrainingProgram } from '../../src/train/program.ts';
import { createSchedule } from '../../src/train/schedules/create-schedule.ts';

/**
 * Known bugs, each planted on the backend side only (the reference, live torch or a baseline recorded from it,
 * is untouched), with the stage that must catch it: the first stage in pipeline order whose verdict is not pass.
 */
export interface Mutation {
  readonly name: string;
  readonly expected: StageName;
  /** The config the bug is visible in, and its overrides. */
  readonly config: 'quickstart' | 'conv' | 'batchnorm';
  readonly overrides?: readonly string[];
  readonly side: SideOverride;
  /** The op the first-divergence record must blame: its node's, or that of an input node the reference graph lacks. */
  readonly blames?: string;
  /** What the failing case's notes must say (where the float64 arbiter localizes it further). */
  readonly note?: string;
  /** A state tensor the failure message must name (a buffer). */
  readonly names?: string;
}

/** d tanh = g·(1 − y) instead of g·(1 − y²). */
const wrongTanhRules = defaultRules.with({
  op: 'Tanh',
  grad: ({ b, g, y: [y], scalar }) => [b.mul(g, b.sub(scalar(1), y))],
});

/**
 * d tanh = g·(1 − y²)·(1 + 10⁻³): a rule a tenth of a percent off, beyond float32 rounding but small next to the
 * gradients' magnitudes, which only a float64 comparison can tell from the reference's own rounding.
 */
const slightlyWrongTanhRules = defaultRules.with({
  op: 'Tanh',
  grad: ({ b, g, y: [y], scalar }) => [b.mul(b.mul(g, b.sub(scalar(1), b.mul(y, y))), scalar(1 + 1e-3))],
});

/** Adam whose second moment decays with β₂ = 0.99 while its bias correction uses torch's 0.999: a wrong slot update. */
function wrongSecondMoment(options: AdamOptions): Adam {
  const bc: BiasCorrection = (g, step, beta1) => torchBiasCorrection(g, step, beta1, options.betas[1]);
  return new Adam('adam', { ...options, betas: [options.betas[0], 0.99] }, bc);
}

/** Adam with both bias corrections replaced by 1 (torch's first steps are then ~ (1−β1)/√(1−β2) ≈ 3× too small). */
const noBiasCorrection: BiasCorrection = (g, step) => ({ bc1: scalarLike(g, 1, step), bc2Sqrt: scalarLike(g, 1, step) });

/**
 * Adam's bias correction one update behind from update 2 on (1 − βᵗ⁻¹): right at update 1, so the step stage passes,
 * and ~1.3× too large an update from update 2. The trajectory's end state is far from float64, and judged update by
 * update from the backend's own states, update 2 is the first that is wrong.
 */
const laggingBiasCorrection: BiasCorrection = (g, step, beta1, beta2) =>
  torchBiasCorrection(g, g.op1('Max', [g.sub(step, scalarLike(g, 1, step)), scalarLike(g, 1, step)]), beta1, beta2);

/** A backend whose kernels read Conv weights as [out, in, kw, kh]: the spatial axes of every kernel swapped. */
function swappedKernelLayout(inner: Backend): Backend {
  const swap = (graph: Graph): Graph => {
    const nodes: Node[] = [];
    const values = new Map(graph.values);
    for (const n of graph.nodes) {
      if (n.op !== 'Conv') {
        nodes.push(n);
        continue;
      }
      const w = graph.value(n.inputs[1]);
      const swapped = `${w.name}:swapped-layout@${n.name}`;
      values.set(swapped, { name: swapped, dtype: w.dtype, shape: [w.shape[0], w.shape[1], w.shape[3], w.shape[2]] });
      nodes.push({ name: `${n.name}:layout`, op: 'Transpose', inputs: [w.name], outputs: [swapped], attrs: { perm: [0, 1, 3, 2] } });
      nodes.push({ ...n, inputs: [n.inputs[0], swapped, ...n.inputs.slice(2)] });
    }
    return new Graph(graph.name, graph.inputs, graph.outputs, graph.initializers, nodes, values);
  };
  return rewritingBackend(inner, swap);
}

/** A backend whose graphs go through `rewrite` first (a planted bug in how it runs some node). */
function rewritingBackend(inner: Backend, rewrite: (graph: Graph) => Graph): Backend {
  return replacingBackend(inner, { compile: (p: TrainingProgram) => inner.compile(rewrittenGraphs(p, rewrite)) });
}

const isTrainingBatchNorm = (n: Node) => n.op === 'BatchNormalization' && n.attrs.training_mode === 1;

/** Training-mode BatchNormalization with ONNX's momentum read as torch's: running = (1 − m)·old + m·batch. */
function flippedMomentum(graph: Graph): Graph {
  const nodes = graph.nodes.map((n) => (isTrainingBatchNorm(n) ? { ...n, attrs: { ...n.attrs, momentum: 1 - (n.attrs.momentum as number) } } : n));
  return new Graph(graph.name, graph.inputs, graph.outputs, graph.initializers, nodes, graph.values);
}

/**
 * Training-mode BatchNormalization whose running variance takes the biased (population) batch variance, as the
 * ONNX text and onnxruntime's own kernel do: from torch's update r = m·old + (1 − m)·v·n/(n − 1), the biased one
 * is m·old + (r − m·old)·(n − 1)/n.
 */
function biasedRunningVariance(graph: Graph): Graph {
  const nodes: Node[] = [];
  const values = new Map(graph.values);
  const initializers = new Map(graph.initializers);
  for (const n of graph.nodes) {
    if (!isTrainingBatchNorm(n) || !n.outputs[2]) {
      nodes.push(n);
      continue;
    }
    const x = graph.value(n.inputs[0]);
    const perChannel = x.shape.reduce((a, d) => a * d, 1) / x.shape[1];
    const m = n.attrs.momentum as number;
    const v = (name: string) => {
      values.set(name, { name, dtype: x.dtype, shape: [x.shape[1]] });
      return name;
    };
    const scalar = (name: string, value: number) => {
      initializers.set(name, tensor(x.dtype, [], [value]));
      values.set(name, { name, dtype: x.dtype, shape: [] });
      return name;
    };
    const node = (what: string, op: string, inputs: string[], output = v(`${n.name}:${what}`)) => {
      nodes.push({ name: `${n.name}:${what}`, op, inputs, outputs: [output], attrs: {} });
      return output;
    };
    const unbiased = v(`${n.name}:unbiased`);
    nodes.push({ ...n, outputs: [n.outputs[0], n.outputs[1], unbiased] });
    const old = node('old', 'Mul', [n.inputs[4], scalar(`${n.name}:m`, m)]);
    const moved = node('moved', 'Mul', [node('delta', 'Sub', [unbiased, old]), scalar(`${n.name}:k`, (perChannel - 1) / perChannel)]);
    node('biased', 'Add', [old, moved], n.outputs[2]);
  }
  return new Graph(graph.name, graph.inputs, graph.outputs, initializers, nodes, values);
}

/**
 * The training-mode BatchNormalization rule with the inference-mode derivative dX = g·scale·r on the batch
 * statistics: it misses that the batch mean and variance move with X.
 */
export const constantBatchStatisticsRule: GradRule = {
  op: 'BatchNormalization',
  grad: (ctx) => {
    const right = defaultRules.get('BatchNormalization')!.grad(ctx);
    const { b, g, x: [x, scale], attr, scalar } = ctx;
    const axes = x!.shape.map((_, i) => i).filter((i) => i !== 1);
    const centered = b.sub(x!, b.op1('ReduceMean', [x!], { axes, keepdims: 1 }));
    const r = b.div(scalar(1), b.sqrt(b.add(b.op1('ReduceMean', [b.mul(centered, centered)], { axes, keepdims: 1 }), scalar(attr<number>('epsilon')))));
    return [b.mul(b.mul(g, b.reshape(scale!, [scale!.shape[0], ...new Array<number>(x!.rank - 2).fill(1)])), r), ...right.slice(1)];
  },
};

export const MUTATIONS: readonly Mutation[] = [
  {
    name: 'tanh gradient rule uses 1 − y',
    expected: 'gradients',
    config: 'quickstart',
    side: { spec: (s) => ({ ...s, rules: wrongTanhRules }) },
    blames: 'Tanh',
  },
  {
    name: 'tanh gradient rule 0.1% off (float64 tells it from rounding)',
    expected: 'gradients',
    config: 'quickstart',
    side: { spec: (s) => ({ ...s, rules: slightlyWrongTanhRules }) },
    blames: 'Tanh',
  },
  {
    // With no tolerance at all every adjoint differs by rounding; only the float64 check of each rule keeps the
    // walk from blaming the first node it meets (the loss's rule) for torch's and onnxruntime's rounding.
    name: 'tanh gradient rule 0.1% off, gradients at tolerance 0',
    expected: 'gradients',
    config: 'quickstart',
    overrides: ['+parity={tolerances:{gradients:{float32:{rtol:0,atol:0}}}}'],
    side: { spec: (s) => ({ ...s, rules: slightlyWrongTanhRules }) },
    blames: 'Tanh',
  },
  {
    name: 'exp_avg_sq decays with β₂ 0.99 (wrong slot update)',
    expected: 'step',
    config: 'quickstart',
    side: { spec: (s) => ({ ...s, optimizer: wrongSecondMoment((s.optimizer as Adam).options) }) },
  },
  {
    name: 'model output off by 2e-5 (far beyond the reference from float64)',
    expected: 'forward',
    config: 'quickstart',
    side: {
      spec: (s) => ({
        ...s,
        model: {
          effectiveSettings: () => s.model.effectiveSettings(),
          forward: (g, inputs, params) => {
            const out = s.model.forward(g, inputs, params);
            return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, g.add(v, g.scalar(2e-5, v.dtype))]));
          },
        },
      }),
    },
    blames: 'Add',
  },
  {
    name: 'Adam without bias correction',
    expected: 'step',
    config: 'quickstart',
    side: { spec: (s) => ({ ...s, optimizer: new Adam('adam', (s.optimizer as Adam).options, noBiasCorrection) }) },
  },
  {
    name: 'conv kernel layout transposed (kh ↔ kw)',
    expected: 'forward',
    config: 'conv',
    side: { backend: swappedKernelLayout },
    blames: 'Conv',
  },
  {
    name: 'Adam bias correction one update behind from update 2',
    expected: 'trajectory',
    config: 'quickstart',
    side: { spec: (s) => ({ ...s, optimizer: new Adam('adam', (s.optimizer as Adam).options, laggingBiasCorrection) }) },
    note: 'update 2 already differs',
  },
  {
    name: 'LR schedule advanced one step early',
    expected: 'trajectory',
    config: 'quickstart',
    overrides: ['+train.schedule={name:step,step_size:3,gamma:0.5}', '+train.schedule_interval=step'],
    side: {
      schedule: (raw, lr) => {
        const s = createSchedule(raw, lr);
        s.step(); // the bug: the schedule's counter starts at 1
        return s;
      },
    },
  },
  {
    name: 'mean loss without the 1/N',
    expected: 'loss',
    config: 'quickstart',
    side: {
      spec: (s) => ({
        ...s,
        loss: (scope) => {
          const d = scope.g.sub(scope.outputs.y_hat, scope.inputs.y);
          return { data: { value: scope.g.op1('ReduceSum', [scope.g.mul(d, d)], { keepdims: 0 }), weight: 1 } };
        },
      }),
    },
    blames: 'ReduceSum',
  },
  {
    name: 'BatchNorm running statistics with the momentum flipped',
    expected: 'step',
    config: 'batchnorm',
    side: { backend: (inner) => rewritingBackend(inner, flippedMomentum) },
    names: 'bn.running_mean',
  },
  {
    name: 'BatchNorm running variance biased (the population variance, as ONNX writes it)',
    expected: 'step',
    config: 'batchnorm',
    side: { backend: (inner) => rewritingBackend(inner, biasedRunningVariance) },
    names: 'bn.running_var',
  },
  {
    name: 'BatchNorm training gradient treating the batch statistics as constants',
    expected: 'gradients',
    config: 'batchnorm',
    side: { spec: (s) => ({ ...s, rules: defaultRules.with(constantBatchStatisticsRule) }) },
    blames: 'BatchNormalization',
  },
];
