import { defaultRules } from '../../src/autodiff/register-all-rules.ts';
import { Graph, type Node } from '../../src/graph/ir.ts';
import type { Backend } from '../../src/contracts/backend.ts';
import type { SideOverride } from '../../src/parity/run-cases.ts';
import type { StageName } from '../../src/parity/report.ts';
import { Adam, type BiasCorrection } from '../../src/train/optimizers/adam.ts';
import { scalarLike } from '../../src/train/optimizers/graph-optimizer.ts';
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
  readonly config: 'quickstart' | 'conv';
  readonly overrides?: readonly string[];
  readonly side: SideOverride;
  /** The op the first-divergence record must blame: its node's, or that of an input node the reference graph lacks. */
  readonly blames?: string;
}

/** d tanh = g·(1 − y) instead of g·(1 − y²). */
const wrongTanhRules = defaultRules.with({
  op: 'Tanh',
  grad: ({ b, g, y: [y], scalar }) => [b.mul(g, b.sub(scalar(1), y))],
});

/** Adam with both bias corrections replaced by 1 (torch's first steps are then ~ (1−β1)/√(1−β2) ≈ 3× too small). */
const noBiasCorrection: BiasCorrection = (g, step) => ({ bc1: scalarLike(g, 1, step), bc2Sqrt: scalarLike(g, 1, step) });

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
  return {
    name: inner.name,
    dtype: inner.dtype,
    capabilities: () => inner.capabilities(),
    effectiveSettings: () => inner.effectiveSettings(),
    executor: () => inner.executor(),
    compile: (p: TrainingProgram) =>
      inner.compile({ ...p, graphs: { forward: swap(p.graphs.forward), loss: swap(p.graphs.loss), gradients: swap(p.graphs.gradients), step: swap(p.graphs.step) } }),
  };
}

export const MUTATIONS: readonly Mutation[] = [
  {
    name: 'tanh gradient rule uses 1 − y',
    expected: 'gradients',
    config: 'quickstart',
    side: { spec: (s) => ({ ...s, rules: wrongTanhRules }) },
    blames: 'Tanh',
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
];
