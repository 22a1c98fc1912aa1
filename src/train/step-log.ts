import { appendFileSync } from 'node:fs';
import type { RunHooks, TrainStep } from '../contracts/run-hooks.ts';

/**
 * `steps.tsv` in the run directory: one line per optimizer step (step, epoch, batch, lr, loss, each term) as it
 * happens. Appended, not rewritten, so a run that is killed keeps every step it took; numbers are written in
 * JavaScript's shortest round-trip form, so the file holds the exact float32/float64 losses (a resumed run's
 * trajectory can be compared bit for bit with an uninterrupted one). A resumed run logs only its own steps.
 * It observes training like any tracker, through RunHooks (the composition root adds it to every run's receivers).
 */
export class StepLog implements RunHooks {
  private terms: string[] | undefined;

  constructor(private readonly path: string) {}

  onTrainStep(r: TrainStep): void {
    if (!this.terms) {
      this.terms = Object.keys(r.result.terms);
      appendFileSync(this.path, `${['step', 'epoch', 'batch', 'lr', 'loss', ...this.terms.map((t) => `loss:${t}`)].join('\t')}\n`);
    }
    appendFileSync(this.path, `${[r.step, r.epoch, r.batch, r.lr, r.result.loss, ...this.terms.map((t) => r.result.terms[t])].join('\t')}\n`);
  }
}

/** Reads a steps.tsv back as rows of numbers keyed by column name. */
export function readStepLog(text: string): Record<string, number>[] {
  const [header, ...lines] = text.trimEnd().split('\n');
  const columns = header.split('\t');
  return lines.map((line) => Object.fromEntries(line.split('\t').map((v, i) => [columns[i], Number(v)])));
}
