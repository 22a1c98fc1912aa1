import 'reflect-metadata';
import { builtinPlugins } from '../composition-root.ts';
import { runSweepJob, type SweepJobSpec } from './sweep-job.ts';

/**
 * A process sweep jobs train in, forked by a `tandem worker` (job-processes.ts), one job at a time. Training is
 * CPU-bound; in its own process it cannot starve the worker's event loop, which must renew the job's lock on time
 * or BullMQ takes the job for stalled and gives it to another worker.
 */

// The worker that forked us let us go, or died (SIGKILL, a lost machine). In the second case BullMQ will hand the
// job to another worker, which writes the same run directory, so this copy must stop now rather than finish unseen.
process.on('disconnect', () => process.exit(0));

process.on('message', (spec: SweepJobSpec) => {
  void runSweepJob(spec, builtinPlugins).then((outcome) => process.send!(outcome));
});
