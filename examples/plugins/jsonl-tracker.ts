import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { runDirFile, type Configured, type PluginDefinition, type RunHooks, type RunStart, type RunSummary, type StageRecord } from 'tandem/plugin';

/**
 * An extra (non-built-in) plugin, loaded because a config lists this file under `plugins:`. It imports only
 * `zod` and `tandem/plugin`, so a copy of it works from any folder:
 *
 *   plugins: [../examples/plugins/jsonl-tracker.ts]   # relative to the config file
 *   tracker: { name: jsonl, params: { file: events.jsonl } }
 *
 * It appends one JSON object per line to a file in the run directory: the run start, every metrics call, every
 * stage outcome and the run end. Appending (not rewriting) keeps earlier lines intact if the run dies midway.
 */
const params = z.strictObject({
  file: runDirFile('metrics.jsonl'),
});
type Params = z.output<typeof params>;

class JsonlTracker implements Configured, RunHooks {
  private path: string | undefined;

  constructor(private readonly p: Params) {}

  effectiveSettings(): Record<string, unknown> {
    return { file: this.p.file };
  }

  onRunStart(run: RunStart): void {
    this.path = join(run.runDir, this.p.file);
    this.append({ event: 'run_start', experiment: run.experiment, config_hash: run.configHash });
  }

  logMetrics(metrics: Readonly<Record<string, number>>, step: number): void {
    this.append({ event: 'metrics', step, ...metrics });
  }

  onStageEnd(stage: StageRecord): void {
    this.append({ event: 'stage', ...stage });
  }

  onRunEnd(summary: RunSummary): void {
    this.append({ event: 'run_end', status: summary.status, ...(summary.error ? { error: summary.error } : {}) });
  }

  private append(record: Record<string, unknown>): void {
    if (!this.path) throw new Error('jsonl tracker: called before onRunStart, so it does not know the run directory');
    appendFileSync(this.path, `${JSON.stringify({ time: new Date().toISOString(), ...record })}\n`);
  }
}

const jsonlTracker: PluginDefinition<'tracker', Params, JsonlTracker> = {
  kind: 'tracker',
  name: 'jsonl',
  description: 'Appends run events and metrics as JSON lines to a file in the run directory (example plugin).',
  params,
  create: (p) => new JsonlTracker(p),
};

export default jsonlTracker;
