import { readFileSync } from 'node:fs';
import { dtypeFromOnnxCode } from '../graph/dtype.ts';
import { GraphError } from '../graph/errors.ts';
import type { Graph } from '../graph/ir.ts';
import { onnx } from '../graph/onnx/generated/onnx.js';
import { fromOnnx } from '../graph/onnx/from-onnx.ts';
import { fromTensorProto } from '../graph/onnx/tensor-proto.ts';
import { toOnnx } from '../graph/onnx/to-onnx.ts';
import { findOp, registeredOps } from '../graph/op-registry.ts';
import type { Tensor } from '../graph/tensor.ts';
import { validate } from '../graph/validate.ts';
import { mismatch, type Tolerance } from './compare.ts';
import { COMPOSITE, dataSets, listNodeTests, ONNX_NODE_TEST_DIR, type NodeTestCase } from './onnx-node-suite.ts';

/** Runs a graph on some backend: the only thing a backend must provide to be checked for conformance. */
export type Executor = (graph: Graph, feeds: Record<string, Tensor>) => Promise<Record<string, Tensor>>;

/**
 * pass: every output of every data set matches. unsupported: tandem's reader refused the model (an op
 * attribute, mode or dtype outside our set), with its GraphError as reason. fail: numbers differ.
 * error: the executor threw, or the test data could not be read.
 */
export type ConformanceStatus = 'pass' | 'fail' | 'unsupported' | 'error';

export interface ConformanceRow {
  readonly op: string;
  readonly test: string;
  readonly status: ConformanceStatus;
  readonly reason: string;
}

/**
 * How node tests of the ops tandem reads at import without carrying them (Flatten, Shape, LSTM, GRU, RNN,
 * Dropout …) are read: by the `onnx` model's importer, as a user's export is, into a graph of the op set and the
 * feeds it takes. The composition root wires the importer's (src/orchestrator/composition-root.ts).
 */
export interface ImportTimeReader {
  readonly ops: ReadonlySet<string>;
  /** Throws on a refusal; one with `exitCode` 2 (bad input, the importer's refusals) makes the test `unsupported`. */
  read(file: string, bytes: Uint8Array, feeds: Readonly<Record<string, Tensor>>): { graph: Graph; feeds: Record<string, Tensor> };
}

export interface ConformanceOptions {
  /** Ops to check; all of tandem's op set (and the import-time ops, with `importTime`) plus COMPOSITE by default. */
  readonly ops?: readonly string[];
  /** Runs the node tests of the import-time ops too, read by this importer; without it they are not selected. */
  readonly importTime?: ImportTimeReader;
  readonly root?: string;
  /** The ONNX loader's default is rtol 1e-3, atol 1e-7; 1e-5 absorbs float32 rounding near exact zeros (as ORT's own runner does). */
  readonly tolerance?: Tolerance;
  /** Per-op tolerance overrides. DFT: residuals near 1e-4 on exact-zero bins (docs/reference/backends.md §5.4). */
  readonly opTolerance?: Readonly<Record<string, Tolerance>>;
}

export const DEFAULT_TOLERANCE: Tolerance = { rtol: 1e-3, atol: 1e-5 };
/**
 * DFT: the length-10 test signals (values ≤ 99) have bins up to 945, so an exactly-zero bin carries float32
 * rounding of ~8 ulp of 945 ≈ 2.4e-4 in ORT's output (docs/reference/backends.md §5.4 saw ~1e-4 on smaller data); atol 1e-3.
 */
export const DEFAULT_OP_TOLERANCE: Readonly<Record<string, Tolerance>> = { DFT: { rtol: 1e-3, atol: 1e-3 } };

/**
 * The ONNX backend node tests for our op set, each model parsed by OUR reader, re-emitted by OUR writer
 * and read back (so both directions are exercised), then run by `executor` and compared with the
 * reference outputs.
 */
export async function runConformance(executor: Executor, opts: ConformanceOptions = {}): Promise<ConformanceRow[]> {
  const supported = new Set([...registeredOps(), ...(opts.importTime?.ops ?? [])]);
  const ops = new Set(opts.ops ?? [...supported, COMPOSITE]);
  const rows: ConformanceRow[] = [];
  for (const tc of listNodeTests(ops, supported, opts.root ?? ONNX_NODE_TEST_DIR)) {
    const tol = opts.opTolerance?.[tc.op] ?? DEFAULT_OP_TOLERANCE[tc.op] ?? opts.tolerance ?? DEFAULT_TOLERANCE;
    const row = (status: ConformanceStatus, reason = ''): ConformanceRow => ({ op: tc.op, test: tc.name, status, reason });
    const importTime = opts.importTime && tc.ops.some((op) => opts.importTime!.ops.has(op)) ? opts.importTime : undefined;
    rows.push(await runCase(tc, executor, tol, row, importTime));
  }
  return rows;
}

async function runCase(tc: NodeTestCase, executor: Executor, tol: Tolerance, row: (s: ConformanceStatus, r?: string) => ConformanceRow, importTime?: ImportTimeReader): Promise<ConformanceRow> {
  const bytes = readFileSync(`${tc.dir}/model.onnx`);
  const model = onnx.ModelProto.decode(bytes);
  const shapeInputs = shapeInputNames(model);
  const inits = new Set((model.graph?.initializer ?? []).map((t) => t.name));
  const inputNames = (model.graph?.input ?? []).map((v) => v.name ?? '').filter((n) => !inits.has(n));
  const boundary = boundaryProblem(model);
  if (boundary) return row('unsupported', boundary);
  for (const [k, set] of dataSets(tc.dir).entries()) {
    let given: Record<string, Tensor>;
    let expected: Tensor[];
    try {
      given = bindInputs(inputNames, set.inputs.map(readTensorFile));
      expected = set.outputs.map(readTensorFile).map((p) => fromTensorProto(p, `${tc.name} output`));
    } catch (e) {
      return row('error', `test_data_set_${k}: ${(e as Error).message}`);
    }
    let graph: Graph;
    let feeds: Record<string, Tensor>;
    try {
      ({ graph, feeds } = importTime ? importTime.read(`${tc.dir}/model.onnx`, bytes, given) : readThroughIr(bytes, given, shapeInputs));
      validate(graph);
    } catch (e) {
      const refused = e instanceof GraphError || (e as { exitCode?: number }).exitCode === 2;
      return row(refused ? 'unsupported' : 'error', (e as Error).message);
    }
    let got: Record<string, Tensor>;
    try {
      got = await executor(graph, feeds);
    } catch (e) {
      return row('error', (e as Error).message);
    }
    for (const [i, o] of graph.outputs.entries()) {
      const why = mismatch(got[o.name], expected[i], tol);
      if (why) return row('fail', `test_data_set_${k} output "${o.name}": ${why}`);
    }
  }
  return row('pass');
}

/**
 * The model parsed by tandem's IR reader, re-emitted by its writer and read back. Shape-like inputs (Reshape
 * shape, Slice bounds, axes …) become constants: tandem's graphs are static.
 */
function readThroughIr(bytes: Uint8Array, given: Record<string, Tensor>, shapeInputs: ReadonlySet<string>): { graph: Graph; feeds: Record<string, Tensor> } {
  const constants = Object.fromEntries(Object.entries(given).filter(([n]) => shapeInputs.has(n)));
  const feeds = Object.fromEntries(Object.entries(given).filter(([n]) => !shapeInputs.has(n)));
  return { graph: fromOnnx(toOnnx(fromOnnx(bytes, { constants }))), feeds };
}

/** Why the model's inputs/outputs are outside what tandem carries (sequences, optionals, float16 …), if they are. */
function boundaryProblem(model: onnx.ModelProto): string | undefined {
  for (const v of [...(model.graph?.input ?? []), ...(model.graph?.output ?? [])]) {
    const tt = v.type?.tensorType;
    if (!tt) return `"${v.name}" is not a tensor (sequences, maps and optionals are outside tandem's IR)`;
    if (!dtypeFromOnnxCode(tt.elemType ?? 0)) return `"${v.name}" has element type ${onnx.TensorProto.DataType[tt.elemType ?? 0]}, outside tandem's dtypes`;
  }
  return undefined;
}

/** Graph inputs that some node reads at a constant position of its op (OpDef.constInputs). */
function shapeInputNames(model: onnx.ModelProto): Set<string> {
  const names = new Set<string>();
  for (const n of model.graph?.node ?? []) {
    for (const k of findOp(n.opType ?? '')?.constInputs ?? []) {
      const v = n.input?.[k];
      if (v) names.add(v);
    }
  }
  return names;
}

function readTensorFile(path: string): onnx.TensorProto {
  try {
    return onnx.TensorProto.decode(readFileSync(path));
  } catch (e) {
    throw new Error(`${path} is not a TensorProto (sequence/optional data is not supported): ${(e as Error).message}`);
  }
}

/** input_K binds to the input its TensorProto names, else to the K-th (non-initializer) graph input. */
function bindInputs(inputNames: readonly string[], protos: onnx.TensorProto[]): Record<string, Tensor> {
  if (protos.length !== inputNames.length) throw new Error(`${protos.length} input files for ${inputNames.length} graph inputs`);
  const out: Record<string, Tensor> = {};
  protos.forEach((p, k) => {
    const name = inputNames.includes(p.name) ? p.name : inputNames[k];
    out[name] = fromTensorProto(p, `input "${name}"`);
  });
  return out;
}

/** Per-op counts, for the table the conformance test prints. */
export function summarize(rows: readonly ConformanceRow[]): Map<string, Record<ConformanceStatus, number>> {
  const m = new Map<string, Record<ConformanceStatus, number>>();
  for (const r of rows) {
    const c = m.get(r.op) ?? { pass: 0, fail: 0, unsupported: 0, error: 0 };
    c[r.status]++;
    m.set(r.op, c);
  }
  return new Map([...m].sort(([a], [b]) => a.localeCompare(b)));
}
