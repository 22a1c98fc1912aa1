import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { JobOutcome, SweepJobSpec } from './sweep-job.ts';

const JOB_PROCESS = fileURLToPath(new URL('./job-child.ts', import.meta.url));

/**
 * A worker's job processes (job-child.ts): one per job in hand, kept after its job for the next one, since starting
 * one costs seconds (tsx and every plugin are loaded), as BullMQ's own sandboxed processors do. A process that
 * dies is not reused; its job fails with the reason, and BullMQ retries it.
 */
export class JobProcesses {
  private readonly idle: ChildProcess[] = [];
  private readonly all = new Set<ChildProcess>();

  run(spec: SweepJobSpec): Promise<JobOutcome> {
    const child = this.idle.pop() ?? this.start();
    return new Promise((resolve, reject) => {
      const settle = () => {
        child.off('message', onMessage);
        child.off('exit', onExit);
        child.off('error', onError);
      };
      const onMessage = (message: unknown) => {
        settle();
        this.idle.push(child);
        resolve(message as JobOutcome);
      };
      const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
        settle();
        reject(new Error(`job #${spec.index}: its process ended (${signal ?? `exit code ${code}`}) before reporting an outcome`));
      };
      const onError = (error: Error) => {
        settle();
        child.kill('SIGKILL');
        reject(new Error(`job #${spec.index}: its process could not be used: ${error.message}`));
      };
      child.on('message', onMessage);
      child.on('exit', onExit);
      child.on('error', onError);
      child.send(spec);
    });
  }

  /** Let the idle processes go (a job process exits when its channel to the worker closes). */
  release(): void {
    for (const child of this.idle.splice(0)) child.disconnect();
  }

  /** Stop every process now, jobs in hand included. */
  kill(): void {
    for (const child of this.all) child.kill('SIGKILL');
  }

  private start(): ChildProcess {
    const child = fork(JOB_PROCESS, [], { execArgv: ['--import', import.meta.resolve('tsx')], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.all.add(child);
    child.on('exit', () => {
      this.all.delete(child);
      const i = this.idle.indexOf(child);
      if (i >= 0) this.idle.splice(i, 1);
    });
    return child;
  }
}
