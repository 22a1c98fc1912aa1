import { join } from 'node:path';
import { z } from 'zod';
import { declareReportFiles } from '../../../reports/report-files.ts';
import { writeFileAtomic } from '../../../util/atomic-write.ts';
import type { Configured, PluginDefinition } from '../../../contracts/plugin.ts';
import { runDirFile } from '../../run-dir-file.ts';
import type { RunHooks, RunStart, RunSummary } from '../../../contracts/run-hooks.ts';

const paramsSchema = z.strictObject({
  /** File name inside the run directory. */
  file: runDirFile('summary.json'),
});
type JsonReporterParams = z.output<typeof paramsSchema>;

/** Writes the run summary (status, every stage's outcome, config hash) as one JSON file in the run directory. */
class JsonReporter implements Configured, RunHooks {
  private runDir: string | undefined;

  constructor(private readonly params: JsonReporterParams) {}

  effectiveSettings(): Record<string, unknown> {
    return { file: this.params.file };
  }

  onRunStart(run: RunStart): void {
    this.runDir = run.runDir;
  }

  onRunEnd(summary: RunSummary): void {
    // onRunStart always precedes onRunEnd (run-hooks.ts), so runDir is set; the summary carries it too.
    const runDir = this.runDir ?? summary.runDir;
    writeFileAtomic(join(runDir, this.params.file), `${JSON.stringify(summary, null, 2)}\n`);
    declareReportFiles(runDir, this.params.file);
  }
}

export const jsonReporter: PluginDefinition<'reporter', JsonReporterParams, JsonReporter> = {
  kind: 'reporter',
  name: 'json',
  description: 'Writes the run summary (status, stages, config hash) to a JSON file in the run directory.',
  params: paramsSchema,
  create: (params) => new JsonReporter(params),
};
