import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { posix } from 'node:path';

/**
 * An in-process stand-in for an MLflow tracking server (REST API 2.0 subset, docs/reference/ecosystem.md §1.9–1.12), because
 * neither the server nor the Python client can be installed here. It is written from the protocol description,
 * not from our client: it checks request shapes (required fields, types, enum names, batch limits, key rules)
 * and answers with MLflow's status codes and `{error_code, message}` bodies. Tests tell it to fail: N answers
 * with a given status/error code, or N dropped connections. It listens on 127.0.0.1 only, on a random port,
 * and caps request bodies and its request log.
 */
export interface MockMetric {
  key: string;
  value: number;
  timestamp: number;
  step: number;
}

export interface MockRun {
  info: { run_id: string; run_uuid: string; experiment_id: string; run_name: string; user_id: string; status: string; start_time: number; end_time?: number; artifact_uri: string; lifecycle_stage: string };
  metrics: MockMetric[];
  params: Map<string, string>;
  tags: Map<string, string>;
}

export interface RecordedRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  body: string;
}

export type Failure = { kind: 'status'; status: number; code: string; message: string } | { kind: 'drop' };

export interface MockOptions {
  /** Require `Authorization: Bearer <token>`. */
  readonly token?: string;
  /** `--serve-artifacts` (the default since MLflow 2.0); false gives runs a file: artifact_uri. */
  readonly serveArtifacts?: boolean;
}

const MAX_BODY = 2_000_000;
const MAX_LOG = 20_000;
const STATUSES = ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'];
const NAME = /^[/\p{L}\p{N}_.\- :]*$/u;

class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const invalid = (message: string) => new ApiFailure(400, 'INVALID_PARAMETER_VALUE', message);

export class MockMlflowServer {
  readonly requests: RecordedRequest[] = [];
  readonly experiments = new Map<string, { experiment_id: string; name: string; lifecycle_stage: string; artifact_location: string }>();
  readonly runs = new Map<string, MockRun>();
  readonly artifacts = new Map<string, Buffer>();
  private readonly failures: { failure: Failure; match: string }[] = [];
  /** While set, every request fails this way (a server outage); `failNext` is for a few failures. */
  outage: Failure | undefined;
  private readonly server = createServer((req, res) => void this.handle(req, res));
  private nextId = 1;
  url = '';

  private constructor(private readonly options: MockOptions) {
    this.experiments.set('0', { experiment_id: '0', name: 'Default', lifecycle_stage: 'active', artifact_location: 'mlflow-artifacts:/0' });
  }

  static async start(options: MockOptions = {}): Promise<MockMlflowServer> {
    const mock = new MockMlflowServer(options);
    await new Promise<void>((resolve) => mock.server.listen(0, '127.0.0.1', resolve));
    mock.url = `http://127.0.0.1:${(mock.server.address() as AddressInfo).port}`;
    return mock;
  }

  /** The next `count` requests whose path contains `match` fail this way. */
  failNext(count: number, failure: Failure, match = ''): void {
    for (let i = 0; i < count; i++) this.failures.push({ failure, match });
  }

  calls(endpoint: string): RecordedRequest[] {
    return this.requests.filter((r) => r.path.includes(endpoint));
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY) return void res.writeHead(413).end();
      chunks.push(chunk as Buffer);
    }
    const raw = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', 'http://mock');
    if (this.requests.length < MAX_LOG) this.requests.push({ method: req.method ?? '', path: url.pathname + url.search, authorization: req.headers.authorization, body: raw.toString('utf8') });
    const index = this.failures.findIndex((f) => url.pathname.includes(f.match));
    const failure = this.outage ?? (index >= 0 ? (this.failures.splice(index, 1)[0] as { failure: Failure }).failure : undefined);
    if (failure) {
      if (failure.kind === 'drop') return void req.socket.destroy();
      return this.send(res, failure.status, { error_code: failure.code, message: failure.message });
    }
    try {
      if (this.options.token !== undefined && req.headers.authorization !== `Bearer ${this.options.token}`) {
        throw new ApiFailure(401, 'UNAUTHENTICATED', 'You are not authenticated. Please provide valid credentials.');
      }
      this.send(res, 200, this.route(req.method ?? '', url, raw));
    } catch (error) {
      if (!(error instanceof ApiFailure)) throw error;
      this.send(res, error.status, { error_code: error.code, message: error.message });
    }
  }

  private send(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }

  private route(method: string, url: URL, raw: Buffer): unknown {
    const path = url.pathname;
    const artifactPrefix = '/api/2.0/mlflow-artifacts/artifacts/';
    if (method === 'PUT' && path.startsWith(artifactPrefix) && this.options.serveArtifacts !== false) {
      this.artifacts.set(decodeURIComponent(path.slice(artifactPrefix.length)), raw);
      return {};
    }
    const endpoint = `${method} ${path.replace('/api/2.0/mlflow/', '')}`;
    const body = () => {
      if (method !== 'POST') return {};
      try {
        return JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
      } catch {
        throw new ApiFailure(400, 'BAD_REQUEST', 'Malformed JSON body');
      }
    };
    switch (endpoint) {
      case 'GET experiments/get-by-name':
        return this.getByName(url.searchParams.get('experiment_name'));
      case 'POST experiments/create':
        return this.createExperiment(body());
      case 'POST runs/create':
        return this.createRun(body());
      case 'POST runs/log-batch':
        return this.logBatch(body(), raw.length);
      case 'POST runs/update':
        return this.updateRun(body());
      default:
        throw new ApiFailure(404, 'ENDPOINT_NOT_FOUND', `No endpoint ${endpoint}`);
    }
  }

  private getByName(name: string | null): unknown {
    if (!name) throw invalid("Missing value for required parameter 'experiment_name'.");
    const found = [...this.experiments.values()].find((e) => e.name === name);
    if (!found) throw new ApiFailure(404, 'RESOURCE_DOES_NOT_EXIST', `Could not find experiment with name '${name}'`);
    return { experiment: found };
  }

  private createExperiment(b: Record<string, unknown>): unknown {
    const name = requireString(b, 'name');
    if ([...this.experiments.values()].some((e) => e.name === name)) {
      throw new ApiFailure(400, 'RESOURCE_ALREADY_EXISTS', `Experiment '${name}' already exists.`);
    }
    const id = String(this.nextId++);
    this.experiments.set(id, { experiment_id: id, name, lifecycle_stage: 'active', artifact_location: `mlflow-artifacts:/${id}` });
    return { experiment_id: id };
  }

  private createRun(b: Record<string, unknown>): unknown {
    const experimentId = requireString(b, 'experiment_id');
    const experiment = this.experiments.get(experimentId);
    if (!experiment) throw new ApiFailure(404, 'RESOURCE_DOES_NOT_EXIST', `No Experiment with id=${experimentId} exists`);
    if (experiment.lifecycle_stage !== 'active') throw new ApiFailure(500, 'INVALID_STATE', 'The experiment must be in the active state.');
    const tags = keyValues(b.tags, 'tags');
    const runName = optionalString(b, 'run_name') ?? tags.find((t) => t.key === 'mlflow.runName')?.value ?? 'mock-run';
    const runId = `${String(this.runs.size + 1).padStart(32, '0')}`;
    const artifactUri = this.options.serveArtifacts === false ? `file:///srv/mlruns/${experimentId}/${runId}/artifacts` : `mlflow-artifacts:/${experimentId}/${runId}/artifacts`;
    const run: MockRun = {
      info: { run_id: runId, run_uuid: runId, experiment_id: experimentId, run_name: runName, user_id: optionalString(b, 'user_id') ?? 'unknown', status: 'RUNNING', start_time: optionalInt(b, 'start_time') ?? Date.now(), artifact_uri: artifactUri, lifecycle_stage: 'active' },
      metrics: [],
      params: new Map(),
      tags: new Map(tags.map((t) => [t.key, t.value])),
    };
    this.runs.set(runId, run);
    return { run: { info: run.info, data: { metrics: [], params: [], tags } } };
  }

  private activeRun(b: Record<string, unknown>): MockRun {
    const runId = requireString(b, 'run_id');
    const run = this.runs.get(runId);
    if (!run) throw new ApiFailure(404, 'RESOURCE_DOES_NOT_EXIST', `Run '${runId}' not found`);
    return run;
  }

  private logBatch(b: Record<string, unknown>, bytes: number): unknown {
    const run = this.activeRun(b);
    const metrics = Array.isArray(b.metrics) ? b.metrics : b.metrics === undefined ? [] : fail('metrics must be a list');
    const params = keyValues(b.params, 'params');
    const tags = keyValues(b.tags, 'tags');
    if (bytes > 1_000_000) throw invalid(`Batched logging API requests must be at most 1000000 bytes, got ${bytes}`);
    if (metrics.length > 1000) throw invalid(`A batch logging request can contain at most 1000 metrics. Got ${metrics.length} metrics. Please split up metrics across multiple requests and try again.`);
    if (params.length > 100) throw invalid(`A batch logging request can contain at most 100 params. Got ${params.length} params.`);
    if (tags.length > 100) throw invalid(`A batch logging request can contain at most 100 tags. Got ${tags.length} tags.`);
    if (metrics.length + params.length + tags.length > 1000) throw invalid('A batch logging request can contain at most 1000 total entities.');
    const parsed = metrics.map((m: unknown, i: number) => parseMetric(m, i));
    for (const [i, p] of params.entries()) {
      checkName(p.key, `params[${i}].key`);
      const old = run.params.get(p.key);
      if (old !== undefined && old !== p.value) throw invalid(`Changing param values is not allowed. Param with key='${p.key}' was already logged with value='${old}'`);
    }
    for (const [i, t] of tags.entries()) checkName(t.key, `tags[${i}].key`);
    run.metrics.push(...parsed);
    for (const p of params) run.params.set(p.key, p.value);
    for (const t of tags) run.tags.set(t.key, t.value);
    return {};
  }

  private updateRun(b: Record<string, unknown>): unknown {
    const run = this.activeRun(b);
    const status = optionalString(b, 'status');
    if (status !== undefined && !STATUSES.includes(status)) throw invalid(`Invalid value "${status}" for parameter 'status'`);
    if (status) run.info.status = status;
    const end = optionalInt(b, 'end_time');
    if (end !== undefined) run.info.end_time = end;
    return { run_info: run.info };
  }
}

function fail(message: string): never {
  throw invalid(message);
}

function requireString(b: Record<string, unknown>, key: string): string {
  const v = b[key];
  if (v === undefined || v === '') throw invalid(`Missing value for required parameter '${key}'.`);
  if (typeof v !== 'string') throw invalid(`Invalid value ${JSON.stringify(v)} for parameter '${key}' supplied.`);
  return v;
}

function optionalString(b: Record<string, unknown>, key: string): string | undefined {
  return b[key] === undefined ? undefined : requireString(b, key);
}

function optionalInt(b: Record<string, unknown>, key: string): number | undefined {
  const v = b[key];
  if (v === undefined) return undefined;
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n)) throw invalid(`Invalid value ${JSON.stringify(v)} for parameter '${key}' supplied.`);
  return n;
}

function keyValues(v: unknown, field: string): { key: string; value: string }[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw invalid(`Invalid value for parameter '${field}': must be a list`);
  return v.map((item, i) => {
    const o = (item ?? {}) as Record<string, unknown>;
    if (typeof o.key !== 'string' || typeof o.value !== 'string') throw invalid(`Invalid value for parameter '${field}[${i}]': key and value must be strings`);
    return { key: o.key, value: o.value };
  });
}

function checkName(name: string, field: string): void {
  const norm = posix.normalize(name);
  if (!NAME.test(name) || name === '' || name.endsWith('/') || norm !== name || norm.startsWith('..') || norm.startsWith('/')) {
    throw invalid(`Invalid value "${name}" for parameter '${field}' supplied: Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/).`);
  }
}

const SPECIAL: Record<string, number> = { NaN: Number.NaN, Infinity: Number.POSITIVE_INFINITY, '-Infinity': Number.NEGATIVE_INFINITY };

function parseMetric(m: unknown, i: number): MockMetric {
  const o = (m ?? {}) as Record<string, unknown>;
  if (typeof o.key !== 'string') throw invalid(`Missing value for required parameter 'metrics[${i}].key'.`);
  checkName(o.key, `metrics[${i}].key`);
  const value = typeof o.value === 'string' && o.value in SPECIAL ? SPECIAL[o.value] : o.value;
  if (typeof value !== 'number') throw invalid(`Invalid value ${JSON.stringify(o.value)} for parameter 'metrics[${i}].value' supplied.`);
  const timestamp = optionalInt(o, 'timestamp');
  if (timestamp === undefined) throw invalid(`Missing value for required parameter 'metrics[${i}].timestamp'.`);
  return { key: o.key, value: value as number, timestamp, step: optionalInt(o, 'step') ?? 0 };
}
