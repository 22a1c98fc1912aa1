import { relative } from 'node:path';
import { runSweep } from '../../orchestrator/sweep/run-sweep.ts';
import { sweepSummaryTable, sweptOverrides } from '../../orchestrator/sweep/summary-table.ts';
import { builtinPlugins } from '../../orchestrator/composition-root.ts';
import { toJson, type CliIo } from '../io.ts';

/** Some jobs of a sweep failed; the others ran to the end and the table above says which is which. */
export class SweepFailedError extends Error {
  readonly exitCode = 1;
  constructor(failed: number, total: number, sweepDir: string) {
    super(`${failed} of ${total} sweep job(s) failed; see the table above and multirun.yaml in ${sweepDir}`);
    this.name = 'SweepFailedError';
  }
}

/**
 * `tandem run -m <config> a=1,2 b=x,y` (spec: specs/sweeps.md): every combination, each job's progress as one
 * line on stderr, then the summary table on stdout. Exits 1 when any job failed; the others still ran.
 */
export async function runMultirun(configFile: string, overrides: readonly string[], options: { multirunRoot: string; json?: boolean }, io: CliIo): Promise<void> {
  const where = (dir: string) => relative(process.cwd(), dir) || '.';
  // Progress lines name a job by its swept values; the rest of its overrides are the same for every job.
  let sweptKeys: string[] = [];
  const label = (overrides: readonly string[]) => sweptOverrides(overrides, sweptKeys).join(' ') || '(no sweep)';
  const result = await runSweep({
    configFile,
    overrides,
    builtins: builtinPlugins,
    multirunRoot: options.multirunRoot,
    events: {
      planned: (plan) => {
        sweptKeys = plan.dimensions.map((d) => d.key);
        io.err(`sweep: ${plan.jobs.length} job(s) passed the handshake\n`);
      },
      started: (job) => io.err(`job #${job.index} started: ${label(job.overrides)}\n`),
      finished: (o) => io.err(`job #${o.index} ${o.status} in ${o.seconds.toFixed(1)} s (${label(o.overrides)})${o.error ? `: ${o.error}` : ''}\n`),
      notice: (text) => io.err(`note: ${text}\n`),
    },
  });
  const { sweepDir, plan, outcomes, executor } = result;
  const failed = outcomes.filter((o) => o.status === 'failed').length;
  if (options.json) {
    io.out(toJson({ sweepDir, executor: executor.name, sweep: plan.dimensions, jobs: outcomes }));
  } else {
    io.out(`sweep directory: ${where(sweepDir)} (${outcomes.length} job(s), executor ${executor.name})\n`);
    io.out(`${sweepSummaryTable(outcomes, plan.dimensions.map((d) => d.key))}\n`);
  }
  if (failed) throw new SweepFailedError(failed, outcomes.length, where(sweepDir));
}
