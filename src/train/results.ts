import type { DataView } from '../data/data-view.ts';
import type { CheckpointSummary } from './checkpoint/loop-state.ts';
import type { StopReason } from './early-stop.ts';
import type { EpochRecord, LossSummary } from './history.ts';
import { textTable } from '../util/text-table.ts';

/**
 * What a training run produces (specs/results.md). `results.json` in the run directory holds the same minus the
 * container, an in-memory handle for the stages that follow (evaluation, parity).
 */
export interface TrainResults {
  readonly history: readonly EpochRecord[];
  readonly stop: StopReason;
  readonly steps: number;
  readonly seconds: number;
  /** Loss and terms on the WHOLE train and validation splits with the final parameters. */
  readonly final: { readonly train: LossSummary; readonly validation?: LossSummary };
  /** The data trained on (in memory, or streamed): train = `container.split.train`, test = `container.split.validation` (sample indices). */
  readonly container: DataView;
  readonly data: { readonly source: string; readonly trainSamples: number; readonly validationSamples: number; readonly batchSize: number; readonly droppedPerEpoch: number };
  /** The run's checkpoints (folder, `last`, best by the monitor); null without train.checkpoint. */
  readonly checkpoint: CheckpointSummary | null;
  /** The checkpoint this run continued from, and its step; null for a fresh run. */
  readonly resumedFrom: { readonly checkpoint: string; readonly step: number } | null;
  readonly backend: { readonly name: string; readonly settings: Record<string, unknown> };
  /** The program graphs as saved in the run directory, by role. */
  readonly graphs: Readonly<Record<string, string>>;
  readonly parameters: number;
  /** What the loss terms trained besides the network, as `<term>.<name>` (an inverse problem's constants); {} when none. */
  readonly estimates: Readonly<Record<string, number>>;
}

export function resultsJson(r: TrainResults): Record<string, unknown> {
  const { container: _inMemory, ...rest } = r;
  return { format: 'tandem.results', version: 1, ...rest };
}

/** The final metrics as an aligned text table: one row per split, one column per loss and term. */
export function resultTable(final: TrainResults['final']): string {
  const rows: [string, LossSummary][] = [['train', final.train], ...(final.validation ? [['validation', final.validation] as [string, LossSummary]] : [])];
  const terms = Object.keys(final.train.terms);
  const header = ['split', 'loss', ...terms.map((t) => `loss:${t}`)];
  const body = rows.map(([name, s]) => [name, s.loss.toExponential(4), ...terms.map((t) => s.terms[t].toExponential(4))]);
  return textTable(header, body);
}
