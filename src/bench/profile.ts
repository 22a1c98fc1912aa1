import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BatchFeed } from '../contracts/backend.ts';
import { castFeeds } from '../contracts/data-feeds.ts';
import { tensor, type Tensor } from '../graph/tensor.ts';
import { builtinPlugins } from '../orchestrator/composition-root.ts';
import { setUpParity } from '../orchestrator/parity/parity-setup.ts';
import { constructPlugin } from '../orchestrator/plugins/construct-plugin.ts';
import { buildTrainingProgram, LR_INPUT, STEP_INPUT, type TrainingProgram } from '../train/program.ts';
import { BENCH_LR, benchBatches, benchCase, IN_FEATURES, programSpec, type WorkloadKind } from './train-workloads.ts';
import { median } from './workloads.ts';

export interface ProfileRow {
  readonly op: string;
  /** Nodes of this op type the backend ran per step (after its own rewrites, e.g. tfjs's fused Gemm). */
  readonly nodes: number;
  /** Median over the runs of the summed time of this op type in one step, ms. */
  readonly ms: number;
  /** Share of the step's node time. */
  readonly share: number;
}

/**
 * `tandem bench profile <config> --backend tfjs|onnxruntime`: where a train step's time goes, by op type. The
 * config's step graph runs `steps` times (after one warm-up) through the backend's GraphExecutor with a per-node
 * timer (tfjs: each node's wall time; ORT: its profiler's kernel times, op types after its fusions); the state is
 * the initial one every time, which does not change the cost. A backend in another process (torch) reports none.
 */
export async function benchProfile(o: { config: string; backend: string; steps: number; threads: number }): Promise<{ rows: ProfileRow[]; stepMs: number; graph: string }> {
  const { program, data, lr, catalog, batchSize } = o.config === 'mlp' || o.config === 'pinn' ? await benchTrainStep(o.config) : await configStep(o.config);
  const feeds = new Map<string, Tensor>([...program.initialState(), ...castFeeds(program, data)]);
  feeds.set(LR_INPUT, tensor(program.spec.dtype, [], [lr]));
  feeds.set(STEP_INPUT, tensor(program.spec.dtype, [], [1]));
  const backend = await constructPlugin(catalog, 'backend', o.backend, {}, 'bench profile');
  const executor = await backend.executor({ threads: o.threads });
  const graph = program.graphs.step;
  const perRun: Map<string, number>[] = [];
  const counts = new Map<string, number>();
  try {
    for (let k = 0; k <= o.steps; k++) {
      const times = new Map<string, number>();
      await executor.run(graph, feeds, { profile: (op, ms) => times.set(op, (times.get(op) ?? 0) + ms) });
      if (k > 0) perRun.push(times); // run 0 warms the kernels up
    }
    if (perRun.every((t) => t.size === 0)) {
      throw new Error(`backend "${o.backend}" runs a graph in another process and reports no per-node times; profile with --backend tfjs or onnxruntime`);
    }
    await executor.run(graph, feeds, { profile: (op) => counts.set(op, (counts.get(op) ?? 0) + 1) });
  } finally {
    await executor.dispose();
  }
  const medians = [...counts.keys()].map((op) => ({ op, nodes: counts.get(op)!, ms: median(perRun.map((t) => t.get(op) ?? 0)) }));
  const stepMs = medians.reduce((acc, r) => acc + r.ms, 0);
  const rows = medians.map((r) => ({ ...r, share: r.ms / stepMs })).sort((a, b) => b.ms - a.ms);
  const ran = [...counts.values()].reduce((acc, c) => acc + c, 0);
  return { rows, stepMs, graph: `${graph.name} (${graph.nodes.length} nodes as built, ${ran} run, batch ${batchSize})` };
}

interface ProfiledStep {
  readonly program: TrainingProgram;
  /** One batch's data tensors. */
  readonly data: BatchFeed;
  readonly lr: number;
  readonly catalog: Parameters<typeof constructPlugin>[0];
  readonly batchSize: number;
}

/** The config's training program (float32) and its first batch. */
async function configStep(config: string): Promise<ProfiledStep> {
  const setup = await setUpParity({ configFile: config, overrides: [], builtins: builtinPlugins });
  const { experiment } = setup;
  // A model with a prepare hook (a torch module's export) keeps nothing from a profile: a scratch folder.
  const scratch = mkdtempSync(join(tmpdir(), 'tandem-profile-'));
  try {
    await experiment.prepare(scratch);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const program = buildTrainingProgram(experiment.programSpec('float32'), experiment.batchSize);
  const [batch] = experiment.trajectory(1);
  return { program, data: batch.feed, lr: (experiment.train.optimizer as { lr: number }).lr, catalog: setup.handshake.catalog, batchSize: experiment.batchSize };
}

/** `mlp` or `pinn` in place of a config: the `tandem bench train` case (3→64→64→64→2 tanh, batch 1000, Adam). */
async function benchTrainStep(kind: WorkloadKind): Promise<ProfiledStep> {
  const c = benchCase(kind, [64, 64, 64], 1000);
  const program = buildTrainingProgram(await programSpec(c, 0), c.batch);
  const { x, target, targetWidth } = benchBatches(c, 1, 0);
  const data = new Map([['x', tensor('float32', [c.batch, IN_FEATURES], x)], [kind === 'mlp' ? 'u' : 'f', tensor('float32', [c.batch, targetWidth], target)]]);
  return { program, data, lr: BENCH_LR, catalog: builtinPlugins, batchSize: c.batch };
}

export function profileTable(p: { rows: readonly ProfileRow[]; stepMs: number; graph: string }, backend: string, steps: number): string {
  const head = ['op', 'nodes', 'ms / step', 'share'];
  const body = p.rows.map((r) => [r.op, String(r.nodes), r.ms.toFixed(3), `${(100 * r.share).toFixed(1)} %`]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  return [
    `${backend}: step graph ${p.graph}; node time ${p.stepMs.toFixed(2)} ms per step (median of ${steps} runs per op type, after one warm-up)`,
    line(head),
    line(widths.map((w) => '-'.repeat(w))),
    ...body.map(line),
  ].join('\n');
}
