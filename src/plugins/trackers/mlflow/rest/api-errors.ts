import { TrackerError } from '../tracker-error.ts';

/** What a person should do about each MLflow error code (`mlflow/exceptions.py`, docs/reference/ecosystem.md §1.12). */
const ADVICE: Record<string, string> = {
  INVALID_PARAMETER_VALUE: 'a name or value breaks MLflow\'s rules (the server names it above); rename the key or fix the value',
  RESOURCE_DOES_NOT_EXIST: 'the experiment or run is not on this server (deleted, or a different tracking server); check tracking_uri and the experiment name',
  RESOURCE_ALREADY_EXISTS: 'something with this name already exists, possibly in deleted state; restore it or choose another name',
  BAD_REQUEST: 'the server could not understand the request; check that tracking_uri points at an MLflow >= 2.0 server',
  UNAUTHENTICATED: 'set MLFLOW_TRACKING_TOKEN, or MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD, in the environment',
  CUSTOMER_UNAUTHORIZED: 'set MLFLOW_TRACKING_TOKEN, or MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD, in the environment',
  PERMISSION_DENIED: 'the credentials are valid but lack permission on this experiment; ask the server\'s admin, or use another experiment',
  ENDPOINT_NOT_FOUND: 'the server lacks this endpoint; it must be MLflow >= 2.0, started with --serve-artifacts for artifact uploads',
  NOT_FOUND: 'the server lacks this endpoint or path; check tracking_uri (including any path prefix)',
  INVALID_STATE: 'the experiment or run is in a state that forbids this (e.g. deleted); restore it or start a new one',
  REQUEST_LIMIT_EXCEEDED: 'the server is rate-limiting; the tracker retried and gave up, so try again later',
  TEMPORARILY_UNAVAILABLE: 'the server is temporarily unavailable; the tracker retried and gave up',
};

/** An error answer from the tracking server, or a failure to reach it at all (`status` 0, `code` NETWORK). */
export class MlflowApiError extends TrackerError {
  constructor(
    readonly endpoint: string,
    readonly status: number,
    readonly code: string,
    readonly serverMessage: string,
  ) {
    const where = status === 0 ? `Could not reach the MLflow server for ${endpoint}` : `The MLflow server refused ${endpoint} (HTTP ${status} ${code})`;
    const advice = ADVICE[code];
    super(`${where}: ${serverMessage}${advice ? `. What to do: ${advice}.` : ''}`);
    this.name = 'MlflowApiError';
  }

  /** Network failures, 5xx and 429 are worth retrying (as MLflow's own client does); other 4xx never change. */
  get retryable(): boolean {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }
}

/** Build the error from a response body, which is `{error_code, message}` from MLflow and anything from a proxy. */
export function apiError(endpoint: string, status: number, body: string): MlflowApiError {
  try {
    const parsed = JSON.parse(body) as { error_code?: unknown; message?: unknown };
    if (typeof parsed.error_code === 'string') return new MlflowApiError(endpoint, status, parsed.error_code, String(parsed.message ?? ''));
  } catch {
    // Not JSON: an HTML page from a proxy or a plain-text 502; its start says enough.
  }
  const text = body.trim().slice(0, 200) || '(empty body)';
  return new MlflowApiError(endpoint, status, status === 404 ? 'NOT_FOUND' : `HTTP_${status}`, text);
}
