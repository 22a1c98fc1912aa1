import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { execa, type ResultPromise } from 'execa';
import { type Hello, PROTOCOL_VERSION, type TorchKind, type TorchMessages, type TorchRequest, type TorchResponse } from './protocol.ts';
import { missingModule, missingPython, processExit, pythonError, TorchReferenceError } from './torch-errors.ts';

/** Debian's python with torch 1.13 and onnx 1.12 (the `python3` on PATH may be a pyenv without them). */
export const DEFAULT_PYTHON = process.env.TANDEM_TORCH_PYTHON ?? '/usr/bin/python3';
export const REFERENCE_MAIN = fileURLToPath(new URL('./reference/main.py', import.meta.url));

export interface TorchProcessOptions {
  readonly python?: string;
  /** torch intra-op threads in the child (default 1: the tests share two cores). */
  readonly threads?: number;
  /** More environment for the child (the kernel set of a second reference, other-kernels.ts). */
  readonly env?: Readonly<Record<string, string>>;
}

interface Pending {
  readonly kind: TorchKind;
  readonly what: string;
  resolve(v: unknown): void;
  reject(e: Error): void;
}

const STDERR_KEEP = 16_384;

/**
 * One Python reference process: started lazily on the first request and once only, then reused for every
 * request until `dispose`. Requests are answered in order, matched by id. stderr is kept (the last 16 KiB) so
 * a crash can be explained. A process that died is not restarted: every later request fails with the reason.
 */
export class TorchProcess {
  readonly python: string;
  private child: ResultPromise | undefined;
  private ready: Promise<Extract<Hello, { ok: true }>> | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private stderr = '';
  private dead: TorchReferenceError | undefined;

  constructor(private readonly options: TorchProcessOptions = {}) {
    this.python = options.python ?? DEFAULT_PYTHON;
  }

  /** Versions of python, torch, onnx and numpy in the child; starts it if needed. */
  async versions(): Promise<Readonly<Record<string, string>>> {
    return (await this.start()).versions;
  }

  /** The child's process id once started (tests use it to kill the child and check the error that follows). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  async request<K extends TorchKind>(kind: K, body: TorchMessages[K]['request'], what = ''): Promise<TorchMessages[K]['response']> {
    await this.start();
    if (this.dead) throw this.dead;
    const id = this.nextId++;
    const reply = new Promise<unknown>((resolve, reject) => this.pending.set(id, { kind, what, resolve, reject }));
    const message = { id, kind, ...body } as TorchRequest;
    this.child!.stdin!.write(`${JSON.stringify(message)}\n`);
    return (await reply) as TorchMessages[K]['response'];
  }

  /** Asks the child to exit and waits for it (kills it after 5 s). Safe to call twice or before start. */
  async dispose(): Promise<void> {
    const child = this.child;
    if (!child || this.dead) return;
    this.dead = new TorchReferenceError('this PyTorch reference process was disposed; create a new one', 'protocol');
    child.stdin?.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await child;
    clearTimeout(timer);
  }

  private start(): Promise<Extract<Hello, { ok: true }>> {
    this.ready ??= this.spawn();
    return this.ready;
  }

  private spawn(): Promise<Extract<Hello, { ok: true }>> {
    return new Promise((resolveHello, rejectHello) => {
      let hello: Extract<Hello, { ok: true }> | undefined;
      // -B: never write __pycache__ into the source tree.
      const child = execa(this.python, ['-B', REFERENCE_MAIN], {
        reject: false,
        buffer: false,
        stdin: 'pipe',
        stdout: 'pipe',
        stderr: 'pipe',
        env: { ...this.options.env, TANDEM_TORCH_THREADS: String(this.options.threads ?? 1), PYTHONUNBUFFERED: '1' },
      });
      this.child = child;
      child.stderr!.on('data', (d: Buffer) => {
        this.stderr = (this.stderr + d.toString()).slice(-STDERR_KEEP);
      });
      createInterface({ input: child.stdout! }).on('line', (line) => {
        let msg: Hello | TorchResponse;
        try {
          msg = JSON.parse(line) as Hello | TorchResponse;
        } catch {
          this.stderr += `\n[non-protocol stdout] ${line}`;
          return;
        }
        if (msg.kind === 'hello') {
          if (!msg.ok) return rejectHello((this.dead = missingModule(this.python, msg.error)));
          if (msg.protocol !== PROTOCOL_VERSION) {
            return rejectHello((this.dead = new TorchReferenceError(`reference/main.py speaks protocol ${msg.protocol}, this client ${PROTOCOL_VERSION}; they come from different versions of tandem`, 'protocol')));
          }
          hello = msg;
          return resolveHello(msg);
        }
        this.settle(msg as TorchResponse, hello?.versions.torch ?? '?');
      });
      child.stdin!.on('error', () => undefined); // a dead child's EPIPE is reported by the exit handler
      void child.then((r) => {
        const err = r.code === 'ENOENT' || r.code === 'EACCES' || (r.failed && r.exitCode === undefined && !r.signal)
          ? missingPython(this.python, r.code ?? r.shortMessage ?? 'spawn failed')
          : processExit(this.python, hello ? this.duringWhat() : 'before it was ready', r.exitCode ?? null, r.signal ?? null, this.stderr);
        if (!this.dead) this.dead = err;
        rejectHello(err);
        for (const p of this.pending.values()) p.reject(this.dead);
        this.pending.clear();
      });
    });
  }

  private duringWhat(): string {
    const first = this.pending.values().next().value;
    return first ? `while handling "${first.kind}"${first.what}` : 'between requests';
  }

  private settle(msg: TorchResponse, torchVersion: string): void {
    const p = this.pending.get(msg.id);
    if (!p) return;
    this.pending.delete(msg.id);
    if (msg.ok) p.resolve(msg);
    else p.reject(pythonError(p.kind, p.what, msg.error, torchVersion));
  }
}

