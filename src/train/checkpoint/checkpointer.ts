import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { rngFor } from '../../data/rng.ts';
import { encodeNpz } from '../../data/npz.ts';
import type { Tensor } from '../../graph/tensor.ts';
import type { Session } from '../../contracts/backend.ts';
import { sha256Hex } from '../../util/hash.ts';
import { epochMetrics, type EpochRecord } from '../history.ts';
import { pointLink, writeDirAtomic } from './atomic-dir.ts';
import type { CheckpointOptions } from './checkpoint-options.ts';
import type { CheckpointSink, CheckpointSummary, LoopSnapshot } from './loop-state.ts';
import { BUFFERS_FILE, MANIFEST_FILE, MANIFEST_FORMAT, OPTIMIZER_FILE, PARAMS_FILE, type CheckpointManifest } from './manifest.ts';

/** What does not change between the checkpoints of one run. */
export type ManifestBase = Omit<CheckpointManifest, 'format' | 'version' | 'name' | 'createdAt' | 'loop' | 'rng' | 'score' | 'files'>;

export const LAST = 'last';

interface Kept {
  readonly name: string;
  readonly score: number;
}

/**
 * Lightning's ModelCheckpoint for tandem (specs/checkpoints.md §1): epoch-end checkpoints `epoch=E-step=S`
 * ranked by `monitor` and pruned to `save_top_k`, plus `last`, a symlink swapped atomically to the newest state
 * (every `every_n_steps` steps, at every epoch-end checkpoint, and when training ends).
 */
export class Checkpointer implements CheckpointSink {
  private readonly kept: Kept[] = [];
  private lastKey = '';
  private lastTarget = '';
  private wroteLast = false;

  constructor(
    private readonly options: CheckpointOptions,
    /** The run's checkpoints folder, `<run dir>/checkpoints`. */
    private readonly dir: string,
    private readonly base: ManifestBase,
  ) {}

  async afterStep(steps: number, snapshot: () => LoopSnapshot, session: Session): Promise<void> {
    const n = this.options.every_n_steps;
    if (n > 0 && steps % n === 0 && this.options.save_last) await this.save(snapshot(), session, null, false);
  }

  async afterEpoch(record: EpochRecord, snapshot: () => LoopSnapshot, session: Session): Promise<void> {
    const n = this.options.every_n_epochs;
    if (n === 0 || (record.epoch + 1) % n !== 0) return;
    const { monitor } = this.options;
    const score = monitor === undefined ? null : { monitor, value: this.metric(record, monitor) };
    await this.save(snapshot(), session, score, this.admits(score?.value ?? record.steps));
  }

  async atEnd(snapshot: () => LoopSnapshot, session: Session): Promise<void> {
    const s = snapshot();
    if (this.options.save_last && keyOf(s) !== this.lastKey) await this.save(s, session, null, false);
  }

  summary(): CheckpointSummary | null {
    const best = this.ranked()[0];
    if (!best && !this.wroteLast) return null;
    return {
      dir: this.dir,
      last: this.wroteLast ? join(this.dir, LAST) : null,
      best: best ? join(this.dir, best.name) : null,
      monitor: this.options.monitor ?? null,
      bestScore: best && this.options.monitor !== undefined ? best.score : null,
    };
  }

  private async save(loop: LoopSnapshot, session: Session, score: CheckpointManifest['score'], named: boolean): Promise<void> {
    // E is the epoch of the last step taken: the finished epoch at an epoch end, the running one mid-epoch.
    const epoch = loop.batch === 0 ? (loop.history.at(-1)?.epoch ?? 0) : loop.epoch;
    const name = `epoch=${epoch}-step=${loop.steps}`;
    const files = this.files(name, loop, session, score);
    if (named) {
      writeDirAtomic(this.dir, name, files);
      this.keep(name, score?.value ?? loop.steps);
    }
    if (this.options.save_last) {
      const current = `${LAST}.step=${loop.steps}`;
      const target = this.wroteLast && this.lastTarget === current ? `${current}-v1` : current;
      writeDirAtomic(this.dir, target, files);
      const previous = pointLink(this.dir, LAST, target);
      if (previous) rmSync(join(this.dir, previous), { recursive: true, force: true });
      this.lastTarget = target;
      this.lastKey = keyOf(loop);
      this.wroteLast = true;
    }
  }

  private files(name: string, loop: LoopSnapshot, session: Session, score: CheckpointManifest['score']): Map<string, Uint8Array> {
    const state = session.getState();
    const pick = (names: readonly string[]) => new Map(names.map((n) => [n, entry(state, n)]));
    const buffers = this.base.state.buffers ?? [];
    const arrays = new Map([
      [PARAMS_FILE, encodeNpz(pick(this.base.state.params))],
      [OPTIMIZER_FILE, encodeNpz(pick(this.base.state.slots))],
      ...(buffers.length ? [[BUFFERS_FILE, encodeNpz(pick(buffers))] as const] : []),
    ]);
    const seed = this.base.experiment.seed;
    const manifest: CheckpointManifest = {
      format: MANIFEST_FORMAT,
      version: 1,
      name,
      createdAt: new Date().toISOString(),
      ...this.base,
      loop,
      rng: { batchOrder: { seed, split: 'train', epoch: loop.epoch, state: [...rngFor(seed, 'batches', 'train', loop.epoch).state()] } },
      score,
      files: Object.fromEntries([...arrays].map(([file, bytes]) => [file, { sha256: sha256Hex(bytes), bytes: bytes.length }])),
    };
    return new Map([...arrays, [MANIFEST_FILE, new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`)]]);
  }

  /** Would a checkpoint with this score be among the top k? Without a monitor the score is the step: newest wins. */
  private admits(score: number): boolean {
    const k = this.options.save_top_k;
    if (k === 0) return false;
    if (k === -1 || this.kept.length < k) return true;
    return this.better(score, this.ranked()[this.kept.length - 1].score);
  }

  private keep(name: string, score: number): void {
    const existing = this.kept.findIndex((c) => c.name === name);
    if (existing >= 0) this.kept.splice(existing, 1);
    this.kept.push({ name, score });
    const k = this.options.save_top_k;
    while (k > 0 && this.kept.length > k) {
      const worst = this.ranked()[this.kept.length - 1];
      this.kept.splice(this.kept.indexOf(worst), 1);
      rmSync(join(this.dir, worst.name), { recursive: true, force: true });
    }
  }

  /** Best first; ties keep the earlier checkpoint ahead (Lightning replaces only on a strict improvement). */
  private ranked(): Kept[] {
    return [...this.kept].sort((a, b) => (this.better(a.score, b.score) ? -1 : this.better(b.score, a.score) ? 1 : 0));
  }

  private better(a: number, b: number): boolean {
    const max = this.options.monitor === undefined || this.options.mode === 'max';
    return max ? a > b : a < b;
  }

  private metric(record: EpochRecord, monitor: string): number {
    const metrics = epochMetrics(record);
    const value = metrics[monitor];
    if (value === undefined) {
      throw new Error(`train.checkpoint.monitor is "${monitor}", which this run does not log; the metrics are: ${Object.keys(metrics).join(', ')}`);
    }
    return value;
  }
}

function keyOf(loop: LoopSnapshot): string {
  return `${loop.steps}:${loop.epoch}:${loop.batch}`;
}

function entry(state: ReadonlyMap<string, Tensor>, name: string): Tensor {
  const t = state.get(name);
  if (!t) throw new Error(`checkpoint: the session state has no "${name}" (state: ${[...state.keys()].join(', ')})`);
  return t;
}
