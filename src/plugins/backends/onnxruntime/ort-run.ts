import * as ort from 'onnxruntime-node';
import type { DType } from '../../../graph/dtype.ts';
import { GraphError } from '../../../graph/errors.ts';
import type { Graph } from '../../../graph/ir.ts';
import { toOnnx } from '../../../graph/onnx/to-onnx.ts';
import { profiledRun } from './ort-profile.ts';
import { withTorchBatchNorm } from './torch-batch-norm.ts';
import { fmtShape, sameShape } from '../../../graph/shape-utils.ts';
import type { Tensor } from '../../../graph/tensor.ts';

export interface OrtRunOptions {
  /** ORT graph optimizations; 'all' by default. 'disabled' runs the graph exactly as written (useful for parity bisection). */
  readonly graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'layout' | 'all';
  /** Intra-op threads; ORT's default (all cores) when absent. */
  readonly intraOpNumThreads?: number;
}

/**
 * Ops onnxruntime-node's CPU build has no float64 kernel for (docs/reference/backends.md §1.5, tested on 1.30);
 * Mish and GroupNormalization are written as Softplus and InstanceNormalization (onnx/opset17-expansions.ts).
 */
export const ORT_CPU_NO_FLOAT64: ReadonlySet<string> = new Set(['Conv', 'ConvTranspose', 'AveragePool', 'Erf', 'Softplus', 'InstanceNormalization', 'Mish', 'GroupNormalization']);

/** Names the first node ORT CPU cannot run in float64, before ORT fails with a less helpful message. */
function checkFloat64(graph: Graph): void {
  for (const n of graph.nodes) {
    if (ORT_CPU_NO_FLOAT64.has(n.op) && graph.value(n.inputs[0]).dtype === 'float64') {
      throw new GraphError(n.name, n.op, `onnxruntime CPU has no float64 kernel for ${n.op} (nor for ${[...ORT_CPU_NO_FLOAT64].filter((o) => o !== n.op).join(', ')}); run graph "${graph.name}" in float32, or use the torch reference for float64`);
    }
  }
}

function sessionOptions(opts: OrtRunOptions): ort.InferenceSession.SessionOptions {
  return { graphOptimizationLevel: opts.graphOptimizationLevel ?? 'all', ...(opts.intraOpNumThreads ? { intraOpNumThreads: opts.intraOpNumThreads } : {}) };
}

// One session per graph object and option set: building a session (graph optimization, kernel creation)
// costs far more than a small run, and a graph is immutable once built.
const sessions = new WeakMap<Graph, Map<string, Promise<ort.InferenceSession>>>();

function session(graph: Graph, opts: OrtRunOptions): Promise<ort.InferenceSession> {
  const key = JSON.stringify([opts.graphOptimizationLevel ?? 'all', opts.intraOpNumThreads ?? 0]);
  let perGraph = sessions.get(graph);
  if (!perGraph) sessions.set(graph, (perGraph = new Map()));
  let s = perGraph.get(key);
  if (!s) {
    checkFloat64(graph);
    s = ort.InferenceSession.create(toOnnx(withTorchBatchNorm(graph)), sessionOptions(opts)).catch((e: unknown) => {
      perGraph!.delete(key);
      throw new Error(`onnxruntime could not load graph "${graph.name}": ${(e as Error).message}`);
    });
    perGraph.set(key, s);
  }
  return s;
}

/**
 * Runs a graph on onnxruntime-node (CPU) and returns every graph output. Feeds are checked against the
 * graph's declared inputs (name, dtype, shape) first, so a mistake names the input instead of failing in ORT.
 * With `profile`, the run goes through ORT's profiler in a session of its own (ort-profile.ts), which reports
 * every kernel of the run.
 */
export async function runOnOrt(graph: Graph, feeds: Record<string, Tensor>, opts: OrtRunOptions = {}, profile?: (op: string, ms: number) => void): Promise<Record<string, Tensor>> {
  const ortFeeds: Record<string, ort.Tensor> = {};
  for (const i of graph.inputs) {
    const t = feeds[i.name];
    if (!t) throw new Error(`graph "${graph.name}": no feed for input "${i.name}" (${i.dtype}${fmtShape(i.shape)})`);
    if (t.dtype !== i.dtype || !sameShape(t.shape, i.shape)) {
      throw new Error(`graph "${graph.name}": input "${i.name}" is ${i.dtype}${fmtShape(i.shape)} but the feed is ${t.dtype}${fmtShape(t.shape)}`);
    }
    ortFeeds[i.name] = new ort.Tensor(t.dtype, t.data, [...t.shape]);
  }
  const extra = Object.keys(feeds).filter((k) => !graph.inputs.some((i) => i.name === k));
  if (extra.length) throw new Error(`graph "${graph.name}": feeds ${extra.map((k) => `"${k}"`).join(', ')} are not graph inputs (inputs: ${graph.inputs.map((i) => i.name).join(', ')})`);
  if (profile) checkFloat64(graph);
  const results = profile ? await profiledRun(toOnnx(withTorchBatchNorm(graph)), sessionOptions(opts), ortFeeds, profile) : await (await session(graph, opts)).run(ortFeeds);
  const out: Record<string, Tensor> = {};
  for (const o of graph.outputs) {
    const r = results[o.name];
    out[o.name] = { dtype: r.type as DType, shape: [...r.dims], data: r.data as Tensor['data'] };
  }
  return out;
}
