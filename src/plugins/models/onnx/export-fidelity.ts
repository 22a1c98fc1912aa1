import * as ort from 'onnxruntime-node';
import { z } from 'zod';
import type { DType } from '../../../graph/dtype.ts';
import { onnx } from '../../../graph/onnx/generated/onnx.js';
import type { Tensor } from '../../../graph/tensor.ts';
import { decodeOnnx } from './prepare-onnx.ts';

/**
 * Export fidelity (specs/models.md "Export fidelity"): an exported graph, run as it is on onnxruntime, must
 * compute what its source computes on the same real batch. An exporter can be wrong where the trained graph,
 * and so every graph-vs-graph parity check, cannot see it: torch 1.13 exports Conv1d(padding_mode='circular')
 * padding with x[-3:-1] instead of x[-2:]. Values are compared in node order, so the first one that differs
 * names the node (and the submodule) where the export departs.
 */
export interface FidelityCase {
  /** The exported ModelProto, and how messages name it (its file, or "the ONNX export of net.py:build"). */
  readonly bytes: Uint8Array;
  readonly file: string;
  /**
   * The source's values by ONNX value name: every graph input (fed), every graph output, and optionally
   * intermediate values (a node's output) that localize a difference.
   */
  readonly expected: ReadonlyMap<string, Tensor>;
  /** ONNX value → the submodule that produced it in the source, e.g. `conv (Conv1d)`. */
  readonly labels?: ReadonlyMap<string, string>;
  /** What computed `expected`, for messages: "the module models/net.py:build" or "expected.npz". */
  readonly source: string;
  readonly tolerance: FidelityTolerance;
}

/**
 * |export − source| ≤ atol + rtol·|source|. The default is parity's float32 forward tolerance (torch's
 * assert_close defaults): the export and its source are two evaluations of the same float32 model.
 */
export const fidelityTolerance = z.strictObject({ rtol: z.number().min(0), atol: z.number().min(0) });
export type FidelityTolerance = z.infer<typeof fidelityTolerance>;
export const DEFAULT_FIDELITY_TOLERANCE: FidelityTolerance = { rtol: 1.3e-6, atol: 1e-5 };

/** The export computes something else than its source: the user's input, exit 2. */
export class ExportFidelityError extends Error {
  readonly exitCode = 2;
}

/** Runs the check; returns a line saying how many values agreed, or throws ExportFidelityError. */
export async function checkExportFidelity(c: FidelityCase): Promise<string> {
  const model = decodeOnnx(c.bytes, c.file);
  const graph = model.graph as onnx.GraphProto;
  const inits = new Set(graph.initializer.map((t) => t.name));
  const inputs = (graph.input as onnx.ValueInfoProto[]).map((v) => v.name).filter((n) => !inits.has(n));
  const missing = inputs.filter((n) => !c.expected.has(n));
  if (missing.length) throw new ExportFidelityError(`${c.source} has no value for graph input${missing.length > 1 ? 's' : ''} ${missing.map((n) => `"${n}"`).join(', ')} of ${c.file}; it holds ${[...c.expected.keys()].join(', ')}`);
  const produced = new Map<string, onnx.NodeProto>();
  for (const n of graph.node as onnx.NodeProto[]) for (const o of n.output) produced.set(o, n);
  const outputs = (graph.output as onnx.ValueInfoProto[]).map((o) => o.name);
  const unknown = [...c.expected.keys()].filter((k) => !inputs.includes(k) && !produced.has(k));
  if (unknown.length) throw new ExportFidelityError(`${c.source} holds ${unknown.map((k) => `"${k}"`).join(', ')}, which ${c.file} neither takes as input nor computes; name each array after a graph input, a graph output or a node's output`);
  const compared = [...produced.keys()].filter((k) => c.expected.has(k));
  const got = await runExport(deterministic(model, compared.filter((k) => !outputs.includes(k))), new Map(inputs.map((n) => [n, c.expected.get(n)!])));
  for (const name of compared) {
    const problem = difference(got.get(name)!, c.expected.get(name)!, c.tolerance);
    if (!problem) continue;
    const node = produced.get(name)!;
    const submodule = c.labels?.get(name) ?? scopeOf(node.name);
    throw new ExportFidelityError(
      `${c.file} does not compute what ${c.source} computes on the same batch: node "${node.name}" (${node.opType})` +
        `${submodule ? ` of submodule ${submodule}` : ''} gives "${name}" ${problem}. ` +
        `The exporter translated that part of the model wrongly (or the source runs differently in training mode); tandem would train the export faithfully and parity against the export would pass, so the model is refused. Rewrite that part with other ops and export again`,
    );
  }
  return `export fidelity: ${compared.length} values of ${c.file} agree with ${c.source} (${describeTolerance(c.tolerance)})`;
}

/** The model with Dropout as identity (a training-mode export keeps it, random) and `fetch` as extra outputs. */
function deterministic(model: onnx.ModelProto, fetch: readonly string[]): Uint8Array {
  const graph = model.graph as onnx.GraphProto;
  for (const n of graph.node as onnx.NodeProto[]) {
    if (n.opType !== 'Dropout') continue;
    n.opType = 'Identity';
    n.input = [n.input[0]];
    n.output = [n.output[0]];
    n.attribute = [];
  }
  for (const name of fetch) graph.output.push(onnx.ValueInfoProto.create({ name }));
  return onnx.ModelProto.encode(model).finish();
}

async function runExport(bytes: Uint8Array, feeds: ReadonlyMap<string, Tensor>): Promise<Map<string, Tensor>> {
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 });
  try {
    const results = await session.run(Object.fromEntries([...feeds].map(([k, t]) => [k, new ort.Tensor(t.dtype, t.data, [...t.shape])])));
    return new Map(Object.entries(results).map(([k, r]) => [k, { dtype: r.type as DType, shape: [...r.dims], data: r.data as Tensor['data'] }]));
  } finally {
    await session.release();
  }
}

/** Why `got` is not `want` within the tolerance (shape first, then the worst element), or undefined. */
function difference(got: Tensor, want: Tensor, tol: FidelityTolerance): string | undefined {
  if (got.shape.join() !== want.shape.join()) return `of shape [${got.shape.join(', ')}] where the source has [${want.shape.join(', ')}]`;
  let worst = -1;
  let excess = 0;
  for (let i = 0; i < want.data.length; i++) {
    const a = Number(got.data[i]);
    const b = Number(want.data[i]);
    const over = Math.abs(a - b) - (tol.atol + tol.rtol * Math.abs(b));
    if (over > excess || (Number.isNaN(a) !== Number.isNaN(b) && worst < 0)) {
      excess = Number.isNaN(over) ? Infinity : over;
      worst = i;
    }
  }
  if (worst < 0) return undefined;
  const a = Number(got.data[worst]);
  const b = Number(want.data[worst]);
  return `${a} at flat index ${worst} where the source has ${b} (|difference| ${Math.abs(a - b).toPrecision(3)}, beyond ${describeTolerance(tol)})`;
}

function describeTolerance(t: FidelityTolerance): string {
  return `rtol ${t.rtol.toExponential()}, atol ${t.atol.toExponential()}`;
}

/** torch names a node /layer1/layer1.0/conv1/Conv for submodule layer1.0.conv1. */
function scopeOf(node: string): string {
  return node
    .split('/')
    .slice(0, -1)
    .filter(Boolean)
    .map((p) => p.slice(p.lastIndexOf('.') + 1))
    .join('.');
}
