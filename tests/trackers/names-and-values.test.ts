import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flattenParams } from '../../src/plugins/trackers/mlflow/flatten-params.ts';
import { pythonFloat } from '../../src/plugins/trackers/mlflow/python-float.ts';
import { resolveTrackingUri, trackingUriProblem } from '../../src/plugins/trackers/mlflow/tracking-uri.ts';
import { keyProblem } from '../../src/plugins/trackers/mlflow/validation.ts';
import { mlflowTracker } from '../../src/plugins/trackers/mlflow/mlflow-tracker.ts';

// spec: specs/tracking.md §2 (metric lines), §4 (names and limits), §1 (config).

/** Python's own str(float) for each value, from the Debian python3: the oracle for metric-line values. */
function pythonStr(values: number[]): string[] {
  const literals = values.map((v) => (Number.isNaN(v) ? "float('nan')" : v === Infinity ? "float('inf')" : v === -Infinity ? "float('-inf')" : Object.is(v, -0) ? '-0.0' : v.toExponential()));
  const out = execFileSync('/usr/bin/python3', ['-c', `import sys\nfor v in [${literals.join(',')}]: print(str(float(v)))`], { encoding: 'utf8' });
  return out.trimEnd().split('\n');
}

describe('metric values are written as Python writes floats', () => {
  it('matches str(float) at the notation boundaries and for special values', () => {
    const values = [0, -0, 1, -1, 0.1, 1 / 3, 1e-4, 1e-5, 1.5e-7, 123456.789, 1e15, 1e16, 9999999999999998, 1.2345678901234568e17, 5e-324, 1.7976931348623157e308, Number.NaN, Infinity, -Infinity, 2 ** 53, 0.003];
    expect(values.map(pythonFloat)).toEqual(pythonStr(values));
  });

  it('matches str(float) for random doubles', () => {
    const values = fc.sample(fc.double({ noNaN: true }), { numRuns: 300, seed: 7 });
    expect(values.map(pythonFloat)).toEqual(pythonStr(values));
  });
});

describe('names and params', () => {
  it('accepts what MLflow accepts and explains what it refuses', () => {
    for (const ok of ['train/loss', 'train/loss:data', 'validation/loss:pde', 'lr', 'épsilon', 'a b.c-d_e']) expect(keyProblem(ok)).toBeUndefined();
    expect(keyProblem('metrics/mAP50-95(B)')).toMatch(/alphanumerics/);
    for (const bad of ['', '/loss', 'a//b', 'a/', './a', '../a', 'a/./b']) expect(keyProblem(bad)).toMatch(/clean relative path/);
    expect(keyProblem('k'.repeat(251))).toMatch(/at most 250 bytes/);
  });

  it('flattens the config to dotted params, lists as JSON, null as "" and cuts values past 6000 bytes', () => {
    const long = 'x'.repeat(7000);
    const { params, truncated } = flattenParams({ a: { b: { c: 1 }, list: [1, 2], empty: {} }, n: null, t: true, long });
    expect(params).toEqual({ 'a.b.c': '1', 'a.list': '[1,2]', 'a.empty': '{}', n: '', t: 'true', long: `${'x'.repeat(5997)}...` });
    expect(Buffer.byteLength(params.long as string)).toBe(6000);
    expect(truncated).toEqual(['long']);
  });

  it('names the config key that cannot become a param', () => {
    expect(() => flattenParams({ adapter: { params: { 'u(x)': 1 } } })).toThrow(/config key "adapter\.params\.u\(x\)" cannot be an MLflow param name/);
  });
});

describe('tracker params', () => {
  it('defaults to the folder store ./mlruns, resolved against the working directory', () => {
    const p = mlflowTracker.params.parse({});
    expect(p.tracking_uri).toBe('file:./mlruns');
    expect(resolveTrackingUri(p.tracking_uri, '/home/user/project')).toEqual({ kind: 'folder', root: '/home/user/project/mlruns' });
    expect(resolveTrackingUri('file:///srv/mlruns')).toEqual({ kind: 'folder', root: '/srv/mlruns' });
    expect(resolveTrackingUri('http://127.0.0.1:5000/mlflow')).toEqual({ kind: 'server', url: 'http://127.0.0.1:5000/mlflow' });
  });

  it('refuses URIs it cannot serve, and credentials inside the URI', () => {
    expect(trackingUriProblem('sqlite:///mlflow.db')).toMatch(/mlflow server --backend-store-uri sqlite:\/\/\/mlflow\.db/);
    expect(trackingUriProblem('https://user:secret@mlflow.example.org')).toMatch(/MLFLOW_TRACKING_TOKEN/);
    expect(trackingUriProblem('s3://bucket/x')).toMatch(/only file:, http: and https:/);
    expect(() => mlflowTracker.params.parse({ tracking_uri: 'https://user:secret@mlflow.example.org' })).toThrow(/not in the URI/);
    expect(() => mlflowTracker.params.parse({ artifacts: ['../outside'] })).toThrow(/inside the run directory/);
  });
});
