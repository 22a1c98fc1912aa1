import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';

/**
 * What MLflow should hold for a finished tandem run, read from the run directory alone: the per-epoch metrics from
 * results.json, the params from the echoed config, the artifacts from the report files on disk. The suites compare
 * what MLflow itself reads back (its REST API, its Python client) with these.
 */
interface Split {
  loss: number;
  terms: Record<string, number>;
}
interface Results {
  history: { steps: number; lr: number; seconds: number; train: Split; validation?: Split }[];
}

/** `key → [step, value]` for every metric an epoch logs (specs/tracking.md §1), in the order of steps. */
export function expectedHistories(runDir: string): Record<string, [number, number][]> {
  const results = JSON.parse(readFileSync(join(runDir, 'results.json'), 'utf8')) as Results;
  const out: Record<string, [number, number][]> = {};
  const add = (key: string, step: number, value: number) => (out[key] ??= []).push([step, value]);
  for (const r of results.history) {
    add('lr', r.steps, r.lr);
    add('epoch_seconds', r.steps, r.seconds);
    for (const split of ['train', 'validation'] as const) {
      const s = r[split];
      if (!s) continue;
      add(`${split}/loss`, r.steps, s.loss);
      for (const [term, v] of Object.entries(s.terms)) add(`${split}/loss:${term}`, r.steps, v);
    }
  }
  return out;
}

/** The echoed config's leaves by dotted path, as strings the way MLflow params hold them (lists as JSON, null ""). */
export function expectedParams(runDir: string): Record<string, string> {
  const config = parse(readFileSync(join(runDir, '.tandem', 'config.yaml'), 'utf8')) as Record<string, unknown>;
  const out: Record<string, string> = {};
  const leaf = (v: unknown) => (v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v));
  const walk = (v: unknown, path: string): void => {
    const isMap = v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length > 0;
    if (isMap) for (const [k, child] of Object.entries(v)) walk(child, path ? `${path}.${k}` : k);
    else out[path] = leaf(v);
  };
  walk(config, '');
  return out;
}

/** The uploaded-by-default artifacts: the config, then every report file on disk under its run-directory path. */
export function expectedArtifacts(runDir: string): string[] {
  const files = (dir: string): string[] => readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [relative(runDir, join(dir, f))]));
  const reports = ['results.json', 'summary.json', 'report.html', ...files(join(runDir, 'plots'))];
  return ['config.yaml', ...reports].sort();
}
