import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';

/**
 * The CI-provided MLflow server: a script that runs MLflow's real tracking server (REST API and artifact proxy over
 * a sqlite store), with MLflow's Python source as a tarball beside it. CI clones the repository next to the folder
 * that holds it; TANDEM_MLFLOW_SERVER names the script elsewhere. Where it is absent the suites skip, saying why.
 */
const SCRIPT = process.env.TANDEM_MLFLOW_SERVER ?? join(import.meta.dirname, '..', '..', '..', '..', 'shared', 'tools', 'mlflow', 'mlflow-server');
const TOOL_DIR = join(SCRIPT, '..');

/** Why the real-server suites cannot run here (printed once per suite), or undefined when they can. */
export function missingMlflowServer(label: string): string | undefined {
  if (existsSync(SCRIPT) && tarball()) return undefined;
  const reason = `the CI-provided MLflow server is not at ${SCRIPT} (set TANDEM_MLFLOW_SERVER to its mlflow-server script)`;
  console.log(`[${label}] skipping: ${reason}`);
  return reason;
}

function tarball(): string | undefined {
  const name = existsSync(TOOL_DIR) ? readdirSync(TOOL_DIR).find((f) => /^mlflow-.*-py\.tar\.gz$/.test(f)) : undefined;
  return name && join(TOOL_DIR, name);
}

/**
 * MLflow's own Python package, unpacked once from the tool's tarball (the same source the server runs), with the
 * Debian packages it imports installed by the script. Returns the PYTHONPATH that imports it.
 */
export function mlflowPythonPath(): string {
  const archive = tarball() as string;
  const dir = join(tmpdir(), `tandem-${archive.split('/').pop()?.replace(/\.tar\.gz$/, '')}`);
  if (!existsSync(join(dir, 'mlflow', 'version.py'))) {
    const staging = `${dir}.tmp-${process.pid}`;
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    execFileSync('tar', ['-xzf', archive, '-C', staging]);
    // Another worker may have won the race; either copy is the same tarball.
    if (!existsSync(join(dir, 'mlflow', 'version.py'))) {
      rmSync(dir, { recursive: true, force: true });
      renameSync(staging, dir);
    } else rmSync(staging, { recursive: true, force: true });
  }
  execFileSync(SCRIPT, ['deps'], { stdio: ['ignore', 'ignore', 'inherit'] });
  return dir;
}

/** A loopback port nothing listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** One tracking server on 127.0.0.1:port over the sqlite store and artifacts in dataDir. */
export class CiMlflowServer {
  private constructor(
    readonly port: number,
    readonly dataDir: string,
    private pid: string | undefined,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  static async start(port: number, dataDir: string): Promise<CiMlflowServer> {
    const server = new CiMlflowServer(port, dataDir, undefined);
    await server.restart();
    return server;
  }

  /** Starts the server again on the same port and store (after stop()). */
  async restart(): Promise<void> {
    const env = { MLFLOW_SRC_CACHE: mlflowPythonPath(), MLFLOW_WORKERS: '1' };
    const r = await execa(SCRIPT, ['start', String(this.port), this.dataDir], { env, reject: false });
    if (r.exitCode !== 0) throw new Error(`the MLflow server did not start on port ${this.port}: ${r.stderr}`);
    this.pid = r.stdout.trim().split('\n').at(-1);
  }

  /** Stops the whole process group (the CLI and gunicorn); a no-op when stopped. */
  async stop(): Promise<void> {
    if (this.pid === undefined) return;
    await execa(SCRIPT, ['stop', this.pid], { reject: false });
    this.pid = undefined;
  }

  private async get<T>(path: string, query: Record<string, string>): Promise<T> {
    const res = await fetch(`${this.url}/api/2.0/${path}?${new URLSearchParams(query)}`);
    if (!res.ok) throw new Error(`GET ${path} ${JSON.stringify(query)}: HTTP ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }

  /** Every run of an experiment, as MLflow's runs/search returns them. */
  async runsOf(experiment: string): Promise<ServerRun[]> {
    const { experiment: e } = await this.get<{ experiment: { experiment_id: string } }>('mlflow/experiments/get-by-name', { experiment_name: experiment });
    const res = await fetch(`${this.url}/api/2.0/mlflow/runs/search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ experiment_ids: [e.experiment_id], max_results: 1000 }) });
    const body = (await res.json()) as { runs?: RawRun[] };
    return (body.runs ?? []).map((r) => ({
      info: r.info,
      params: Object.fromEntries((r.data.params ?? []).map((p) => [p.key, p.value])),
      tags: Object.fromEntries((r.data.tags ?? []).map((t) => [t.key, t.value])),
      latestMetrics: (r.data.metrics ?? []).map((m) => m.key),
    }));
  }

  /** The run whose tandem.run_dir tag is runDir. */
  async runFor(experiment: string, runDir: string): Promise<ServerRun> {
    const run = (await this.runsOf(experiment)).find((r) => r.tags['tandem.run_dir'] === runDir);
    if (!run) throw new Error(`no run tagged tandem.run_dir=${runDir} in experiment ${experiment}`);
    return run;
  }

  /** A metric's whole history, `[step, value]` in the order of steps. */
  async history(runId: string, key: string): Promise<[number, number][]> {
    const { metrics = [] } = await this.get<{ metrics?: { step: number; value: number }[] }>('mlflow/metrics/get-history', { run_id: runId, metric_key: key });
    return metrics.map((m): [number, number] => [Number(m.step), m.value]).sort((a, b) => a[0] - b[0]);
  }

  /** Every artifact path of a run (folders walked), through the tracking API's artifact listing. */
  async artifacts(runId: string, path = ''): Promise<string[]> {
    const { files = [] } = await this.get<{ files?: { path: string; is_dir: boolean }[] }>('mlflow/artifacts/list', { run_id: runId, ...(path ? { path } : {}) });
    const out: string[] = [];
    for (const f of files) out.push(...(f.is_dir ? await this.artifacts(runId, f.path) : [f.path]));
    return out.sort();
  }

  /** One artifact's bytes as text, downloaded through the artifact proxy. */
  async artifact(run: ServerRun, path: string): Promise<string> {
    const root = run.info.artifact_uri.replace(/^mlflow-artifacts:/, '');
    const res = await fetch(`${this.url}/api/2.0/mlflow-artifacts/artifacts${root}/${path}`);
    if (!res.ok) throw new Error(`artifact ${path}: HTTP ${res.status}`);
    return res.text();
  }
}

interface RawRun {
  info: ServerRun['info'];
  data: { params?: { key: string; value: string }[]; tags?: { key: string; value: string }[]; metrics?: { key: string }[] };
}

export interface ServerRun {
  readonly info: { run_id: string; status: string; artifact_uri: string; run_name: string; end_time?: string | number };
  readonly params: Record<string, string>;
  readonly tags: Record<string, string>;
  /** The keys of the metrics it has (runs/search gives only each metric's latest value). */
  readonly latestMetrics: string[];
}
