import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where a `tracking_uri` points: a folder store on this machine, or a tracking server. */
export type TrackingTarget = { readonly kind: 'folder'; readonly root: string } | { readonly kind: 'server'; readonly url: string };

/**
 * Why MLflow's tracking URI `uri` is not one this tracker can use, or undefined. Accepted as MLflow accepts them:
 * `file:./mlruns` (relative to the working directory), `file:///abs/mlruns`, a bare path, `http(s)://host[:port][/prefix]`.
 */
export function trackingUriProblem(uri: string): string | undefined {
  if (/^(sqlite|postgresql|mysql|mssql|databricks)/i.test(uri)) {
    return `database and Databricks URIs need MLflow's own server: run \`mlflow server --backend-store-uri ${uri}\` and give its http:// address`;
  }
  if (/^https?:/i.test(uri)) {
    let url: URL;
    try {
      url = new URL(uri);
    } catch {
      return 'it is not a valid URL';
    }
    // The config is echoed into the run directory and hashed; a password in it would be written everywhere.
    if (url.username || url.password) return 'put credentials in MLFLOW_TRACKING_TOKEN or MLFLOW_TRACKING_USERNAME/PASSWORD, not in the URI';
    return undefined;
  }
  if (/^[a-z][a-z0-9+.-]+:/i.test(uri) && !/^file:/i.test(uri)) return 'only file:, http: and https: tracking URIs are supported';
  return undefined;
}

export function resolveTrackingUri(uri: string, cwd: string = process.cwd()): TrackingTarget {
  if (/^https?:/i.test(uri)) return { kind: 'server', url: uri };
  if (/^file:\/\//i.test(uri)) return { kind: 'folder', root: fileURLToPath(uri) };
  const path = uri.replace(/^file:/i, '');
  return { kind: 'folder', root: isAbsolute(path) ? path : resolve(cwd, path) };
}
