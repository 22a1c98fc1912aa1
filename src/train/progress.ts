import type { EpochRecord } from './history.ts';

/**
 * Training progress for a person watching. On a terminal: one self-redrawing bar with loss, LR and ETA. When
 * the output is not a terminal, or CI is set, a redrawn bar would fill logs with carriage returns, so plain
 * lines are printed instead: the first and last epoch, and at most one line every `intervalSeconds` between.
 */
export interface TrainProgress {
  start(epochs: number, batchesPerEpoch: number): void;
  step(epoch: number, batch: number, loss: number, lr: number): void;
  epochEnd(record: EpochRecord): void;
  end(summary: string): void;
}

export interface ProgressSink {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

/** Does nothing: for tests, benches and library use (a do-nothing object instead of null checks). */
export const silentProgress: TrainProgress = { start() {}, step() {}, epochEnd() {}, end() {} };

export function createProgress(sink: ProgressSink, env: NodeJS.ProcessEnv = process.env, intervalSeconds = 2): TrainProgress {
  const ci = env.CI !== undefined && env.CI !== '' && env.CI !== 'false' && env.CI !== '0';
  return sink.isTTY && !ci ? new BarProgress(sink) : new LineProgress(sink, intervalSeconds);
}

const fmt = (v: number) => (Number.isFinite(v) ? v.toExponential(3) : String(v));

function clock(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return h ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

function epochLine(r: EpochRecord, epochs: number): string {
  const val = r.validation ? `  val ${fmt(r.validation.loss)}` : '';
  const terms = Object.keys(r.train.terms).length > 1 ? `  (${Object.entries(r.train.terms).map(([k, v]) => `${k} ${fmt(v)}`).join(', ')})` : '';
  return `epoch ${r.epoch + 1}/${epochs}  loss ${fmt(r.train.loss)}${val}${terms}  lr ${r.lr.toPrecision(3)}  ${r.seconds.toFixed(2)}s`;
}

abstract class Timed implements TrainProgress {
  protected epochs = 0;
  protected perEpoch = 0;
  protected t0 = 0;

  constructor(protected readonly sink: ProgressSink) {}

  start(epochs: number, batchesPerEpoch: number): void {
    this.epochs = epochs;
    this.perEpoch = batchesPerEpoch;
    this.t0 = performance.now();
  }

  /** Seconds left if every remaining step takes the mean time of those done. */
  protected eta(done: number): number {
    const elapsed = (performance.now() - this.t0) / 1000;
    return done > 0 ? (elapsed / done) * (this.epochs * this.perEpoch - done) : Infinity;
  }

  abstract step(epoch: number, batch: number, loss: number, lr: number): void;
  abstract epochEnd(record: EpochRecord): void;
  abstract end(summary: string): void;
}

class BarProgress extends Timed {
  private lastDraw = 0;
  private validation = '';

  step(epoch: number, batch: number, loss: number, lr: number): void {
    const now = performance.now();
    if (now - this.lastDraw < 100 && batch + 1 < this.perEpoch) return;
    this.lastDraw = now;
    const done = epoch * this.perEpoch + batch + 1;
    const frac = done / (this.epochs * this.perEpoch);
    const width = 24;
    const filled = Math.round(frac * width);
    const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
    this.sink.write(`\r\x1b[2Kepoch ${epoch + 1}/${this.epochs} ${bar} ${(frac * 100).toFixed(0).padStart(3)}%  loss ${fmt(loss)}${this.validation}  lr ${lr.toPrecision(3)}  ETA ${clock(this.eta(done))}`);
  }

  epochEnd(record: EpochRecord): void {
    if (record.validation) this.validation = `  val ${fmt(record.validation.loss)}`;
  }

  end(summary: string): void {
    this.sink.write(`\r\x1b[2K${summary}\n`);
  }
}

class LineProgress extends Timed {
  private lastLine = -Infinity;

  constructor(sink: ProgressSink, private readonly intervalSeconds: number) {
    super(sink);
  }

  step(): void {}

  epochEnd(record: EpochRecord): void {
    const now = performance.now();
    const first = record.epoch === 0;
    const last = record.epoch + 1 === this.epochs;
    if (!first && !last && now - this.lastLine < this.intervalSeconds * 1000) return;
    this.lastLine = now;
    this.sink.write(`${epochLine(record, this.epochs)}  ETA ${clock(this.eta((record.epoch + 1) * this.perEpoch))}\n`);
  }

  end(summary: string): void {
    this.sink.write(`${summary}\n`);
  }
}
