import type { PluginDefinition } from '../../contracts/plugin.ts';
import type { SweepEvents, SweepExecutor } from './executor.ts';
import { runSweepJob, type JobOutcome, type SweepJobSpec } from './sweep-job.ts';

/**
 * The embedded default: jobs run in this process, at most `concurrency` at a time, in job order (Hydra's
 * BasicLauncher with a bound). Training is CPU-bound, so the default is 1; ONNX Runtime runs its kernels off the
 * event loop, which is what lets a concurrency of 2 use two cores.
 */
export class InProcessExecutor implements SweepExecutor {
  constructor(
    private readonly concurrency: number,
    private readonly builtins: readonly PluginDefinition[],
  ) {}

  async execute(jobs: readonly SweepJobSpec[], events: SweepEvents): Promise<JobOutcome[]> {
    const outcomes: JobOutcome[] = new Array(jobs.length);
    let next = 0;
    const lane = async () => {
      while (next < jobs.length) {
        const i = next++;
        events.started?.(jobs[i]);
        outcomes[i] = await runSweepJob(jobs[i], this.builtins);
        events.finished?.(outcomes[i]);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, jobs.length) }, lane));
    return outcomes;
  }
}
