import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { readNpzFile, writeNpzFile } from '../../data/npz.ts';
import type { Graph } from '../../graph/ir.ts';
import { toOnnx } from '../../graph/onnx/to-onnx.ts';
import type { Tensor } from '../../graph/tensor.ts';
import type { BatchFeed } from '../../contracts/backend.ts';
import { sha256Hex } from '../../util/hash.ts';

/**
 * A recorded baseline (spec: specs/parity.md "Baselines"): the PyTorch reference's results for one experiment,
 * kept so parity runs without torch. Layout:
 *
 *   baselines/<name>/manifest.json   what was recorded and with what: hashes, versions, dtype, batch size, steps
 *   baselines/<name>/config.json     the config sections results depend on, to say WHICH keys changed later
 *   baselines/<name>/graph.txt       one line per loss-graph node, to say which nodes changed later
 *   baselines/<name>/<stage>.npz     init (params), forward (outputs + every intermediate), gradients, step,
 *                                    trajectory (end state); scalars (losses, LRs, eval per batch) in manifest.json
 *   baselines/<name>/localization/   what loss and gradient localization ask the reference (since /2;
 *                                    recorded-localization.ts)
 *
 * npz member names are URI-encoded: state names hold "/" (`w/exp_avg`) and ":" (`grad:w`).
 */
export const BASELINE_SCHEMA = 'tandem.baseline/3';
/**
 * Schemas still loaded: /1 lacks the localization recordings (localization then says to record again); /1 and
 * /2 recorded the eval stage on each whole split as one batch, which parity no longer asks (since /3 it
 * evaluates in training-size batches), so their eval answers are refused with a request to record again.
 */
const LOADABLE_SCHEMAS = ['tandem.baseline/1', 'tandem.baseline/2', BASELINE_SCHEMA] as const;
/** The schemas whose `eval` holds one answer per evaluated batch. */
export const BATCHED_EVAL_SCHEMAS: readonly string[] = [BASELINE_SCHEMA];
export const BASELINES_ROOT = 'baselines';

const scalars = z.record(z.string(), z.number());
const evaluation = z.strictObject({ loss: z.number(), terms: scalars });

export const baselineManifestSchema = z.strictObject({
  schema: z.enum(LOADABLE_SCHEMAS),
  name: z.string(),
  experiment: z.string(),
  recordedAt: z.string(),
  configFile: z.string(),
  overrides: z.array(z.string()),
  /** sha256 of the canonical config sections the results depend on (BaselineIdentity). */
  configHash: z.string(),
  /** sha256 of the reference's loss graph as ONNX bytes. */
  graphHash: z.string(),
  /** sha256 over the trajectory's batches (the data file can change under an unchanged config). */
  dataHash: z.string(),
  /** sha256 of the batch the single-batch stages used (the trajectory's first). */
  firstBatchHash: z.string(),
  dtype: z.enum(['float32', 'float64']),
  batchSize: z.int(),
  trajectorySteps: z.int(),
  versions: z.record(z.string(), z.string()),
  loss: evaluation,
  gradientsLoss: evaluation,
  trajectory: z.array(z.strictObject({ loss: z.number(), lr: z.number() })),
  /**
   * Evaluations at the trajectory's end state, keyed by the data hash of the evaluated batch: since /3 every
   * training-size batch of each split (the eval stage combines them); before, each whole split as one batch.
   */
  eval: z.record(z.string(), evaluation),
  /** Since /2: the keys of the recorded localization requests (recorded-localization.ts). */
  localization: z.array(z.string()).optional(),
});
export type BaselineManifest = z.infer<typeof baselineManifestSchema>;

export function baselineDir(name: string, root = BASELINES_ROOT): string {
  return join(root, name);
}

/**
 * What a baseline is recorded from and checked against: the parts of the resolved config the reference's
 * results depend on (experiment, adapter, model, train, plugins; not the backend, tracker, reporter, executor
 * or `parity:` sections), their hash, and how to record the baseline again.
 */
export interface BaselineIdentity {
  readonly configHash: string;
  readonly config: Readonly<Record<string, unknown>>;
  readonly configFile: string;
  readonly overrides: readonly string[];
}

export function graphHash(graph: Graph): string {
  return sha256Hex(toOnnx(graph));
}

/** One line per node: how a changed graph is explained without a graph viewer. */
export function graphSummary(graph: Graph): string[] {
  return graph.nodes.map((n) => `${n.name} ${n.op}(${n.inputs.join(', ')}) -> ${n.outputs.join(', ')}`);
}

export function dataHash(batches: readonly BatchFeed[]): string {
  const h = createHash('sha256');
  for (const b of batches) {
    for (const [k, t] of [...b].sort(([x], [y]) => (x < y ? -1 : 1))) {
      h.update(`${k}:${t.dtype}:${t.shape.join('x')};`);
      h.update(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    }
  }
  return h.digest('hex');
}

export function writeTensors(path: string, tensors: ReadonlyMap<string, Tensor>, options: { compress?: boolean } = {}): void {
  writeNpzFile(path, Object.fromEntries([...tensors].map(([k, t]) => [encodeURIComponent(k), { dtype: t.dtype, shape: [...t.shape], data: t.data as Float32Array }])), options);
}

export function readTensors(path: string): Map<string, Tensor> {
  const raw = readNpzFile(path);
  return new Map([...raw.arrays].map(([k, a]) => [decodeURIComponent(k), { dtype: a.dtype, shape: [...a.shape], data: a.data } as Tensor]));
}

export function readManifest(dir: string): BaselineManifest {
  const path = join(dir, 'manifest.json');
  if (!existsSync(path)) throw new Error(`no baseline at ${dir} (no manifest.json); record one with \`tandem baseline record <config>\``);
  const parsed = baselineManifestSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${path} is not a ${LOADABLE_SCHEMAS.join(' or ')} manifest: at ${issue.path.join('.')}: ${issue.message}; record the baseline again`);
  }
  return parsed.data;
}
