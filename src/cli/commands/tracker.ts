import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../../orchestrator/errors.ts';
import { META_DIR } from '../../orchestrator/run/run-directory.ts';
import { replaySpool } from '../../orchestrator/composition-root.ts';
import type { CliCommand } from './command.ts';

/** `tandem tracker replay <run-dir>` (spec: specs/tracking.md §6): deliver a run's MLflow spool after an outage. */
export const trackerCommand: CliCommand = {
  register(program, io) {
    const tracker = program.command('tracker').description("Work with a run's experiment tracking.");
    tracker
      .command('replay')
      .description(
        'Send what a run could not deliver to its MLflow server during an outage (its spool, .tandem/mlflow-spool.jsonl) now that the server is back. ' +
          'Records leave the spool as the server acknowledges them and the file goes once all have; running it again is safe.',
      )
      .argument('<run-dir>', 'the run directory, e.g. outputs/2026-11-23/04-05-06')
      .action(async (runDir: string) => {
        const r = await replaySpool(runDir, mlflowSettings(runDir), (message) => io.err(message));
        io.out(
          r.found
            ? `sent ${r.sent} record(s) to ${r.trackingUri}${r.runId ? ` (run ${r.runId})` : ''}; removed ${r.spool}\n`
            : `nothing to replay: ${r.spool} does not exist, so the server at ${r.trackingUri} has every record of this run\n`,
        );
      });
  },
};

/** The MLflow tracker's settings as the run recorded them after constructing it. */
function mlflowSettings(runDir: string): Record<string, unknown> {
  const file = join(runDir, META_DIR, 'effective-settings.json');
  if (!existsSync(file)) throw new UsageError(`${runDir} is not a run directory (${file} does not exist); pass the directory \`tandem run\` printed`);
  const tracker = (JSON.parse(readFileSync(file, 'utf8')) as { tracker?: { name: string; settings: Record<string, unknown> } }).tracker;
  if (tracker?.name !== 'mlflow') throw new UsageError(`the run in ${runDir} used tracker '${tracker?.name ?? 'none'}', not mlflow; there is nothing to replay`);
  return tracker.settings;
}
