import { setTimeout as sleep } from 'node:timers/promises';
import type { KeyValue, Metric, RunStatusName } from '../tracking-sink.ts';
import { MlflowApiError, apiError } from './api-errors.ts';
import { authorizationHeader } from './credentials.ts';
import { sendSync } from './sync-request.ts';

/**
 * A small typed client for the subset of MLflow's REST API 2.0 a training run needs (service.proto,
 * mlflow_artifacts.proto; docs/reference/ecosystem.md §1.9–1.10). It follows the API of MLflow 2.x and 3.x servers.
 * Every call retries network failures, 5xx and 429 with exponential backoff, then throws MlflowApiError.
 */
export interface RetryPolicy {
  /** Tries per call, the first included. */
  readonly attempts: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  /** Per request. */
  readonly timeoutMs: number;
}

export interface ApiExperiment {
  readonly experiment_id: string;
  readonly name: string;
  readonly artifact_location?: string;
  readonly lifecycle_stage?: string;
}

export interface ApiRunInfo {
  readonly run_id: string;
  readonly experiment_id: string;
  readonly artifact_uri?: string;
  readonly status?: string;
}

export interface CreateRunRequest {
  readonly experiment_id: string;
  readonly user_id: string;
  readonly run_name: string;
  readonly start_time: number;
  readonly tags: readonly KeyValue[];
}

/** Proto JSON for doubles: NaN and ±inf travel as the strings "NaN", "Infinity", "-Infinity". */
export type WireMetric = Omit<Metric, 'value'> & { readonly value: number | 'NaN' | 'Infinity' | '-Infinity' };

export function wireMetric(m: Metric): WireMetric {
  if (Number.isFinite(m.value)) return m;
  return { ...m, value: Number.isNaN(m.value) ? 'NaN' : m.value > 0 ? 'Infinity' : '-Infinity' };
}

export class MlflowRestClient {
  private readonly base: string;

  constructor(
    trackingUri: string,
    private readonly retry: RetryPolicy,
    private readonly headers: Record<string, string> = authorizationHeader(),
  ) {
    this.base = trackingUri.replace(/\/+$/, '');
  }

  /** The same client with another number of tries per call (one, during an outage that already has its pace). */
  withAttempts(attempts: number): MlflowRestClient {
    return new MlflowRestClient(this.base, { ...this.retry, attempts }, this.headers);
  }

  async getExperimentByName(name: string): Promise<ApiExperiment> {
    const res = await this.call<{ experiment: ApiExperiment }>('GET', `experiments/get-by-name?experiment_name=${encodeURIComponent(name)}`);
    return { ...res.experiment, experiment_id: String(res.experiment.experiment_id) };
  }

  async createExperiment(name: string): Promise<string> {
    const res = await this.call<{ experiment_id: string | number }>('POST', 'experiments/create', { name });
    return String(res.experiment_id);
  }

  async createRun(request: CreateRunRequest): Promise<ApiRunInfo> {
    const res = await this.call<{ run: { info: ApiRunInfo } }>('POST', 'runs/create', request);
    return res.run.info;
  }

  async logBatch(runId: string, batch: { metrics: readonly WireMetric[]; params: readonly KeyValue[]; tags: readonly KeyValue[] }): Promise<void> {
    await this.call('POST', 'runs/log-batch', { run_id: runId, ...batch });
  }

  async updateRun(runId: string, status: RunStatusName, endTime: number): Promise<void> {
    await this.call('POST', 'runs/update', { run_id: runId, status, end_time: endTime });
  }

  /** runs/update, finished before returning (one try, the request timeout): for the process's `exit` event. */
  updateRunNow(runId: string, status: RunStatusName, endTime: number): boolean {
    const body = JSON.stringify({ run_id: runId, status, end_time: endTime });
    return sendSync({ method: 'POST', url: `${this.base}/api/2.0/mlflow/runs/update`, headers: { ...this.headers, 'content-type': 'application/json' }, body, timeoutMs: Math.min(this.retry.timeoutMs, 5000) });
  }

  /** PUT one file through the server's artifact proxy; `artifactRoot` is the run's `mlflow-artifacts:` URI. */
  async uploadArtifact(artifactRoot: string, artifactPath: string, content: Uint8Array): Promise<void> {
    const root = proxiedArtifactPath(artifactRoot);
    const path = [...root.split('/'), ...artifactPath.split('/')].filter(Boolean).map(encodeURIComponent).join('/');
    await this.send('PUT', `${this.base}/api/2.0/mlflow-artifacts/artifacts/${path}`, `mlflow-artifacts PUT ${artifactPath}`, content, 'application/octet-stream');
  }

  private async call<T>(method: 'GET' | 'POST', endpoint: string, body?: unknown): Promise<T> {
    const text = await this.send(method, `${this.base}/api/2.0/mlflow/${endpoint}`, endpoint.split('?')[0] as string, body === undefined ? undefined : JSON.stringify(body), 'application/json');
    return (text ? JSON.parse(text) : {}) as T;
  }

  private async send(method: string, url: string, label: string, body: string | Uint8Array | undefined, contentType: string): Promise<string> {
    let last: MlflowApiError | undefined;
    for (let attempt = 0; attempt < this.retry.attempts; attempt++) {
      if (attempt > 0) await sleep(Math.min(this.retry.maxDelayMs, this.retry.initialDelayMs * 2 ** (attempt - 1)));
      try {
        const response = await fetch(url, {
          method,
          headers: { ...this.headers, ...(body !== undefined ? { 'content-type': contentType } : {}) },
          ...(body !== undefined ? { body } : {}),
          signal: AbortSignal.timeout(this.retry.timeoutMs),
        });
        const text = await response.text();
        if (response.ok) return text;
        last = apiError(label, response.status, text);
      } catch (error) {
        // fetch rejects with a TypeError whose cause holds the errno (ECONNREFUSED, ECONNRESET) or a timeout.
        const cause = (error as { cause?: { code?: string; message?: string } }).cause;
        last = new MlflowApiError(label, 0, 'NETWORK', `${cause?.code ?? (error as Error).name}: ${cause?.message ?? (error as Error).message} (${this.base})`);
      }
      if (!last.retryable) throw last;
    }
    throw last as MlflowApiError;
  }
}

/** `mlflow-artifacts:/0/<run>/artifacts` or `mlflow-artifacts://host:port/0/...` → `0/<run>/artifacts`. */
export function proxiedArtifactPath(artifactUri: string): string {
  const rest = artifactUri.slice('mlflow-artifacts:'.length);
  const path = rest.startsWith('//') ? rest.slice(rest.indexOf('/', 2) >= 0 ? rest.indexOf('/', 2) : rest.length) : rest;
  return path.replace(/^\/+/, '');
}
