import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { apiError } from '../../src/plugins/trackers/mlflow/rest/api-errors.ts';
import { MockMlflowServer } from './mock-mlflow-server.ts';
import { allFiles, captureWarnings, restTracker } from './rest-harness.ts';
import { makeRun, tempDir } from './tracker-harness.ts';

// spec: specs/tracking.md §7 (errors), §8 (credentials).

const TOKEN = 'tok-SECRET-5f1c9a';
const CREDENTIAL_ENV = ['MLFLOW_TRACKING_TOKEN', 'MLFLOW_TRACKING_USERNAME', 'MLFLOW_TRACKING_PASSWORD'] as const;

let mock: MockMlflowServer;
let warnings: ReturnType<typeof captureWarnings>;
beforeEach(() => {
  warnings = captureWarnings();
});
afterEach(async () => {
  warnings.restore();
  for (const name of CREDENTIAL_ENV) delete process.env[name];
  await mock?.close();
});

describe('errors from the tracking server', () => {
  it('names the error code and says what to do when the server refuses the run', async () => {
    mock = await MockMlflowServer.start();
    mock.failNext(1, { kind: 'status', status: 403, code: 'PERMISSION_DENIED', message: "User 'ana' lacks permission CREATE_RUN" }, 'runs/create');
    const tracker = await restTracker(mock.url);
    await expect(tracker.onRunStart(makeRun(tempDir('rest-403')).start)).rejects.toThrow(
      /refused runs\/create \(HTTP 403 PERMISSION_DENIED\): User 'ana' lacks permission CREATE_RUN\. What to do: the credentials are valid but lack permission/,
    );
    expect(mock.calls('runs/create')).toHaveLength(1); // a 4xx is not retried
  });

  it('raises a refused batch at the next hook, and still closes the run FAILED', async () => {
    mock = await MockMlflowServer.start();
    const run = makeRun(tempDir('rest-400'));
    const tracker = await restTracker(mock.url, { artifacts: [] });
    await tracker.onRunStart(run.start);
    await tracker.onStageEnd({ stage: 'data', status: 'done', detail: '', seconds: 0 });
    mock.failNext(1, { kind: 'status', status: 400, code: 'INVALID_PARAMETER_VALUE', message: "Invalid value \"x\" for parameter 'metrics[0].value'" }, 'log-batch');
    await tracker.logMetrics({ loss: 1 }, 0);
    await expect(tracker.onStageEnd({ stage: 'train', status: 'done', detail: '', seconds: 0 })).rejects.toThrow(
      /HTTP 400 INVALID_PARAMETER_VALUE.*metrics\[0\]\.value.*What to do: a name or value breaks MLflow's rules/,
    );
    await expect(tracker.onRunEnd(run.summary('failed', 'tracker failed'))).rejects.toThrow(/INVALID_PARAMETER_VALUE/);
    expect([...mock.runs.values()][0]?.info.status).toBe('FAILED');
  });

  it('explains a missing endpoint and a non-JSON answer from a proxy', async () => {
    mock = await MockMlflowServer.start();
    mock.failNext(1, { kind: 'status', status: 404, code: 'ENDPOINT_NOT_FOUND', message: 'No endpoint' }, 'get-by-name');
    await expect((await restTracker(mock.url)).onRunStart(makeRun(tempDir('rest-404')).start)).rejects.toThrow(/ENDPOINT_NOT_FOUND.*MLflow >= 2\.0/);
    const proxy = apiError('runs/log-batch', 502, '<html><body>502 Bad Gateway</body></html>');
    expect([proxy.message, proxy.retryable]).toEqual(['The MLflow server refused runs/log-batch (HTTP 502 HTTP_502): <html><body>502 Bad Gateway</body></html>', true]);
    expect(apiError('x', 404, 'Not Found').message).toMatch(/HTTP 404 NOT_FOUND\): Not Found\. What to do: .*path prefix/);
  });
});

describe('credentials', () => {
  it('sends MLFLOW_TRACKING_TOKEN as a bearer token and never writes it into the run directory', async () => {
    mock = await MockMlflowServer.start({ token: TOKEN });
    process.env.MLFLOW_TRACKING_TOKEN = TOKEN;
    const run = makeRun(tempDir('rest-token'));
    const tracker = await restTracker(mock.url);
    await tracker.onRunStart(run.start);
    // An outage in the middle, so the spool file exists while the token is in use.
    mock.outage = { kind: 'status', status: 503, code: 'TEMPORARILY_UNAVAILABLE', message: 'down' };
    await tracker.logMetrics({ loss: 1 }, 0);
    const midRun = allFiles(run.runDir);
    expect(midRun.some((f) => f.path.endsWith('mlflow-spool.jsonl'))).toBe(true);
    mock.outage = undefined;
    await tracker.onRunEnd(run.summary('complete'));

    expect(mock.requests.every((r) => r.authorization === `Bearer ${TOKEN}`)).toBe(true);
    expect([...mock.runs.values()][0]?.info.status).toBe('FINISHED');
    const leaks = [...midRun, ...allFiles(run.runDir)].filter((f) => f.text.includes(TOKEN));
    expect(leaks.map((f) => f.path)).toEqual([]);
    expect(JSON.stringify(tracker.effectiveSettings())).not.toContain(TOKEN);
    expect(warnings.messages.join('')).not.toContain(TOKEN);
  });

  it('sends basic auth from MLFLOW_TRACKING_USERNAME/PASSWORD and keeps the password out of the 401 message', async () => {
    mock = await MockMlflowServer.start({ token: 'the-right-one' });
    process.env.MLFLOW_TRACKING_USERNAME = 'ana';
    process.env.MLFLOW_TRACKING_PASSWORD = 'pw-SECRET-77';
    const tracker = await restTracker(mock.url);
    const error = await tracker.onRunStart(makeRun(tempDir('rest-basic')).start).catch((e: Error) => e);
    expect(mock.requests[0]?.authorization).toBe(`Basic ${Buffer.from('ana:pw-SECRET-77').toString('base64')}`);
    expect(String(error)).toMatch(/HTTP 401 UNAUTHENTICATED.*set MLFLOW_TRACKING_TOKEN, or MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD/);
    expect(String(error)).not.toContain('pw-SECRET-77');
    expect(String(error)).not.toContain(Buffer.from('ana:pw-SECRET-77').toString('base64'));
  });
});
