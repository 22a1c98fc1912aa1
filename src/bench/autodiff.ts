import { Bench } from 'tinybench';
import { laplacian } from '../autodiff/laplacian.ts';
import { taylorDerivatives } from '../autodiff/taylor.ts';
import { grad } from '../autodiff/vjp.ts';
import { Rng } from '../data/rng.ts';
import { GraphBuilder } from '../graph/builder.ts';
import { simplifyGraph } from '../graph/simplify/index.ts';
import type { Graph } from '../graph/ir.ts';
import { sizeOf, tensor, type Tensor } from '../graph/tensor.ts';
import { ParameterSet } from '../contracts/parameters.ts';
import { builtinPlugins } from '../orchestrator/composition-root.ts';
import { constructPlugin } from '../orchestrator/plugins/construct-plugin.ts';

export interface AutodiffBenchOptions {
  /** Samples per batch (default 1000). */
  readonly batch?: number;
  /** Hidden widths (default [64, 64, 64]); input 3 (x, y, t), output 2. */
  readonly hidden?: readonly number[];
  /** Measuring time per graph in ms (default 3000), after a 500 ms warm-up. */
  readonly timeMs?: number;
  /** ORT intra-op threads (default: ORT's choice). */
  readonly threads?: number;
}

export interface AutodiffBenchRow {
  readonly graph: string;
  /** Nodes as autodiff builds the graph, and after the simplifier (src/graph/simplify/). */
  readonly nodes: number;
  readonly simplifiedNodes: number;
  /** Median of the graph as built. */
  readonly medianMs: number;
  /** Median of the simplified graph (what a training program runs). */
  readonly simplifiedMs: number;
  readonly samples: number;
  /** Simplified median relative to the simplified forward graph's. */
  readonly ratio: number;
}

/**
 * Times, on ORT, the three graphs a PINN trains with, for a tanh MLP 3→64→64→64→2 (the real `mlp` model):
 * - forward: u = net(x);
 * - gradient: mean(u²) and its gradient w.r.t. every parameter (one reverse pass);
 * - second order: the Laplacian of u₀ w.r.t. x (two reverse passes, one per input coordinate after the
 *   first), mean(Δu₀²), and its gradient w.r.t. every parameter (a third pass through all of it);
 * - second order, Taylor mode: the same loss with the Laplacian from one Taylor-mode forward pass.
 */
export async function benchAutodiff(o: AutodiffBenchOptions = {}): Promise<AutodiffBenchRow[]> {
  const batch = o.batch ?? 1000;
  const graphs = await pinnGraphs(batch, o.hidden ?? [64, 64, 64]);
  const bench = new Bench({ time: o.timeMs ?? 3000, warmupTime: 500 });
  const ort = await (await constructPlugin(builtinPlugins, 'backend', 'onnxruntime', o.threads ? { threads: o.threads } : {})).executor();
  const simplified = Object.fromEntries(Object.entries(graphs.graphs).map(([name, g]) => [name, simplifyGraph(g)]));
  // Each graph as built and simplified, timed one after the other so both see about the same machine load.
  for (const [name, g] of Object.entries(graphs.graphs)) {
    for (const [task, graph] of [[name, g], [`${name}${SIMPLIFIED}`, simplified[name]]] as const) {
      await ort.run(graph, graphs.feeds); // build the session outside the timing
      bench.add(task, async () => {
        await ort.run(graph, graphs.feeds);
      });
    }
  }
  await bench.run();
  await ort.dispose();
  const median = (task: string) => {
    const r = bench.tasks.find((t) => t.name === task)!.result;
    if (r.state !== 'completed') throw new Error(`benchmark "${task}" did not complete: ${r.state === 'errored' ? r.error.message : r.state}`);
    return r.latency;
  };
  const rows = Object.keys(graphs.graphs).map((graph) => {
    const [raw, simple] = [median(graph), median(`${graph}${SIMPLIFIED}`)];
    return { graph, nodes: graphs.graphs[graph].nodes.length, simplifiedNodes: simplified[graph].nodes.length, medianMs: raw.p50, simplifiedMs: simple.p50, samples: simple.samplesCount };
  });
  const forward = rows[0].simplifiedMs;
  return rows.map((r) => ({ ...r, ratio: r.simplifiedMs / forward }));
}

const SIMPLIFIED = ' (simplified)';

export function formatAutodiffBench(rows: readonly AutodiffBenchRow[]): string {
  const head = ['graph', 'nodes', 'simplified nodes', 'median ms', 'simplified ms', 'samples', '× forward'];
  const body = rows.map((r) => [r.graph, String(r.nodes), String(r.simplifiedNodes), r.medianMs.toFixed(3), r.simplifiedMs.toFixed(3), String(r.samples), r.ratio.toFixed(2)]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(head), rule, ...body.map(line)].join('\n') + '\n';
}

async function pinnGraphs(batch: number, hidden: readonly number[]): Promise<{ graphs: Record<string, Graph>; feeds: Map<string, Tensor> }> {
  const b = new GraphBuilder('pinn');
  const x = b.input('x', 'float32', [batch, 3]);
  const params = new ParameterSet(b, 0, 'float32');
  const model = await constructPlugin(builtinPlugins, 'model', 'mlp', { in_features: 3, hidden: [...hidden], out_features: 2 });
  const u = b.output(model.forward(b, { x }, params).y, 'u');
  const forward = b.build();
  const names = params.names();

  const withLoss = (g: Graph, of: string): Graph => {
    const e = GraphBuilder.extend(g);
    const r = e.value(of);
    e.output(e.op1('ReduceMean', [e.mul(r, r)], { keepdims: 0 }), 'loss');
    return e.build();
  };
  const gradient = grad(withLoss(forward, u.name), { of: 'loss', wrt: names });

  const sliced = GraphBuilder.extend(forward);
  sliced.output(sliced.op1('Slice', [sliced.value(u.name), sliced.ints([0]), sliced.ints([1]), sliced.ints([1])]), 'u0');
  const lap = laplacian(sliced.build(), { of: 'u0', wrt: 'x' });
  const secondOrder = grad(withLoss(lap, 'laplacian:u0'), { of: 'loss', wrt: names });

  // The same Laplacian in Taylor mode: one forward pass carrying ∇u₀ and the Hessian rows (autodiff/taylor.ts).
  const dims = 3;
  const seed = tensor('float32', [batch, 2], Array.from({ length: batch * 2 }, (_, i) => (i % 2 === 0 ? 1 : 0)));
  const rowNames = [...Array(dims).keys()].map((d) => `hessian_${d}`);
  const taylor = taylorDerivatives(forward, { of: u.name, wrt: 'x', seed, rows: [...Array(dims).keys()], names: { first: 'du0', rows: rowNames } });
  if (!taylor) throw new Error('the tanh MLP has an op without a Taylor rule');
  const tb = GraphBuilder.extend(taylor);
  for (const o of taylor.outputs) tb.output(tb.value(o.name));
  const diagonal = rowNames.map((n, d) => tb.op1('Slice', [tb.value(n), tb.ints([d]), tb.ints([d + 1]), tb.ints([1])]));
  tb.output(diagonal.reduce((acc, v) => tb.add(acc, v)), 'laplacian:u0');
  const taylorOrder = grad(withLoss(tb.build(), 'laplacian:u0'), { of: 'loss', wrt: names });

  const rng = new Rng(1);
  const feeds: Record<string, Tensor> = { x: tensor('float32', [batch, 3], Array.from({ length: sizeOf([batch, 3]) }, () => rng.uniform() * 2 - 1)) };
  for (const [name, t] of params.initialValues()) feeds[name] = t;
  return { graphs: { forward, 'gradient (params)': gradient, 'second order (Δu → params)': secondOrder, 'second order, Taylor mode': taylorOrder }, feeds: new Map(Object.entries(feeds)) };
}
