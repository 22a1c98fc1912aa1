/** Loss and terms of one evaluation (a split over one epoch, or one batch). */
export interface LossSummary {
  readonly loss: number;
  readonly terms: Readonly<Record<string, number>>;
}

/** One epoch of training, as recorded in results.json (specs/results.md "history"). */
export interface EpochRecord {
  /** 0-based epoch index. */
  readonly epoch: number;
  /** Optimizer updates done so far, after this epoch. */
  readonly steps: number;
  /** Mean over this epoch's batches of the per-step loss and terms (each at the parameters before that step). */
  readonly train: LossSummary;
  /** Loss on the whole validation split after the epoch; absent when the split is empty. */
  readonly validation?: LossSummary;
  /** The LR the epoch's first step used. */
  readonly lr: number;
  readonly seconds: number;
}

/** The running sums of an unfinished epoch, for a checkpoint taken mid-epoch. */
export interface AccumulatorState {
  readonly n: number;
  readonly loss: number;
  readonly terms: Readonly<Record<string, number>>;
}

/** Sums per-step losses of one epoch into their means, term by term. */
export class EpochAccumulator {
  private n = 0;
  private loss = 0;
  private readonly terms: Record<string, number> = {};

  /** Starts from saved sums (a resumed epoch), so the epoch's mean adds the same numbers in the same order. */
  constructor(from?: AccumulatorState) {
    if (!from) return;
    this.n = from.n;
    this.loss = from.loss;
    Object.assign(this.terms, from.terms);
  }

  state(): AccumulatorState {
    return { n: this.n, loss: this.loss, terms: { ...this.terms } };
  }

  add(step: LossSummary): void {
    this.n++;
    this.loss += step.loss;
    for (const [k, v] of Object.entries(step.terms)) this.terms[k] = (this.terms[k] ?? 0) + v;
  }

  mean(): LossSummary {
    const n = Math.max(this.n, 1);
    return { loss: this.loss / n, terms: Object.fromEntries(Object.entries(this.terms).map(([k, v]) => [k, v / n])) };
  }
}

/** An epoch as flat metrics for a tracker: `train/loss`, `train/loss:<term>`, `validation/…`, `lr`, `epoch_seconds`. */
export function epochMetrics(r: EpochRecord): Record<string, number> {
  const out: Record<string, number> = { lr: r.lr, epoch_seconds: r.seconds };
  for (const [split, s] of [['train', r.train], ['validation', r.validation]] as const) {
    if (!s) continue;
    out[`${split}/loss`] = s.loss;
    for (const [k, v] of Object.entries(s.terms)) out[`${split}/loss:${k}`] = v;
  }
  return out;
}
