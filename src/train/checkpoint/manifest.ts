import type { LossContext } from '../losses/loss-kind.ts';
import { stateKinds, type StateKind, type TrainingProgram } from '../program.ts';
import type { LoopSnapshot } from './loop-state.ts';

/**
 * `manifest.json` of a checkpoint directory (specs/checkpoints.md §2). It alone is enough to rebuild the model
 * (`tandem infer`) and, with the .npz files it lists, to continue training exactly where it stopped.
 */
export const MANIFEST_FILE = 'manifest.json';
export const PARAMS_FILE = 'params.npz';
export const OPTIMIZER_FILE = 'optimizer.npz';
/** Written only for a model with buffers (BatchNormalization running statistics). */
export const BUFFERS_FILE = 'buffers.npz';
export const MANIFEST_FORMAT = 'tandem.checkpoint';

export interface DataInputRecord {
  readonly dtype: string;
  /** Per-sample shape (sample dim removed), or the whole shape of a constant. */
  readonly shape: readonly number[];
  readonly perSample: boolean;
  /** Dim names of `shape`, from the data contract. */
  readonly dims: readonly string[];
}

export interface CheckpointManifest {
  readonly format: typeof MANIFEST_FORMAT;
  readonly version: 1;
  /** `epoch=E-step=S` (E: the epoch of the last step taken), the directory's name when written. */
  readonly name: string;
  readonly createdAt: string;
  readonly configHash: string;
  /** The resolved config the run was started with (the input to configHash). */
  readonly config: Readonly<Record<string, unknown>>;
  readonly experiment: { readonly name: string; readonly seed: number };
  /** The model plugin and its params (schema defaults included): what `tandem infer` rebuilds. */
  readonly model: { readonly name: string; readonly params: Readonly<Record<string, unknown>> };
  readonly dtype: 'float32' | 'float64';
  /** Every data key the program takes (model inputs and loss targets), as the container described it. */
  readonly inputs: Readonly<Record<string, DataInputRecord>>;
  /** The model's outputs, by name. */
  readonly outputs: readonly string[];
  /** What the adapter told the loss about its data (a PINN's domain), so the loss rebuilds without the adapter. */
  readonly lossContext?: LossContext;
  /**
   * Parameter names (params.npz), optimizer slot names (optimizer.npz) and buffer names (buffers.npz, only when
   * the model has buffers), in program state order.
   */
  readonly state: { readonly params: readonly string[]; readonly slots: readonly string[]; readonly buffers?: readonly string[] };
  readonly backend: { readonly name: string; readonly settings: Readonly<Record<string, unknown>> };
  readonly batchSize: number;
  /** The training loop's position and host-side state (schedule, early stop, epoch sums, history). */
  readonly loop: LoopSnapshot;
  /**
   * The batch-order stream of the next epoch: (seed, split, epoch) and the xoshiro state it starts from. Batch order
   * is recomputed from the seed on resume; the stored state proves the RNG still draws the same numbers.
   */
  readonly rng: { readonly batchOrder: { readonly seed: number; readonly split: 'train'; readonly epoch: number; readonly state: readonly number[] } };
  /** The monitored metric of an epoch-end checkpoint (null mid-epoch, or without a monitor). */
  readonly score: { readonly monitor: string; readonly value: number } | null;
  readonly versions: Readonly<Record<string, string | null>>;
  /** sha256 and size of every other file in the directory. */
  readonly files: Readonly<Record<string, { readonly sha256: string; readonly bytes: number }>>;
}

/** The fields a reader relies on, checked before any is used: a manifest from a damaged or foreign file is refused. */
/** The manifest's `state` for a program: its state names by kind, `buffers` only when the model has some. */
export function checkpointState(program: TrainingProgram): CheckpointManifest['state'] {
  const kind = stateKinds(program);
  const of = (k: StateKind) => program.stateNames.filter((n) => kind(n) === k);
  const buffers = of('buffer');
  return { params: of('param'), slots: of('slot'), ...(buffers.length ? { buffers } : {}) };
}

export function manifestProblem(value: unknown): string | undefined {
  const m = value as Partial<CheckpointManifest> | null;
  if (typeof m !== 'object' || m === null) return 'it is not a JSON object';
  if (m.format !== MANIFEST_FORMAT) return `its "format" is ${JSON.stringify(m.format)}, not "${MANIFEST_FORMAT}"`;
  if (m.version !== 1) return `its version ${JSON.stringify(m.version)} is not one this tandem reads (1)`;
  const required = ['configHash', 'config', 'experiment', 'model', 'dtype', 'inputs', 'outputs', 'state', 'backend', 'batchSize', 'loop', 'rng', 'files'] as const;
  const missing = required.filter((k) => m[k] === undefined);
  if (missing.length) return `it lacks ${missing.map((k) => `"${k}"`).join(', ')}`;
  return undefined;
}
