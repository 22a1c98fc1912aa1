import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const repoRoot = join(import.meta.dirname, '..', '..');

/** A `tandem worker` child process (`node bin/tandem.js worker …`) whose log the test can wait on. */
export class WorkerProcess {
  log = '';
  private readonly child: ChildProcess;
  private readonly waiters: { pattern: RegExp; resolve: (m: RegExpMatchArray) => void }[] = [];

  constructor(queue: string, redisUrl: string) {
    const args = ['bin/tandem.js', 'worker', '--queue', queue, '--redis', redisUrl, '--lock-duration', '2000', '--stalled-interval', '1000'];
    this.child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: '1' } });
    const onData = (chunk: Buffer) => {
      this.log += chunk.toString();
      for (const waiter of [...this.waiters]) {
        const match = this.log.match(waiter.pattern);
        if (match) {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          waiter.resolve(match);
        }
      }
    };
    this.child.stdout!.on('data', onData);
    this.child.stderr!.on('data', onData);
    this.exited = new Promise((done) => this.child.once('exit', (code) => done(code)));
  }

  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;

  get pid(): number {
    return this.child.pid!;
  }

  /** Resolves with the first match of `pattern` in everything the worker has printed. */
  waitFor(pattern: RegExp): Promise<RegExpMatchArray> {
    const match = this.log.match(pattern);
    if (match) return Promise.resolve(match);
    return new Promise((resolve) => this.waiters.push({ pattern, resolve }));
  }

  async kill(signal: NodeJS.Signals): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill(signal);
    await this.exited;
  }
}
