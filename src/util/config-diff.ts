/**
 * Where two plain-data trees (resolved configs) differ, as one line per key path: `train.epochs: 4 → 6`, with
 * `(absent)` for a key only one side has. Arrays are compared whole: a list is one value in a config.
 */
export function configDiff(before: unknown, after: unknown, path = ''): string[] {
  if (isRecord(before) && isRecord(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => configDiff(before[k], after[k], path ? `${path}.${k}` : k));
  }
  return show(before) === show(after) ? [] : [`${path || '(root)'}: ${show(before)} → ${show(after)}`];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function show(v: unknown): string {
  if (v === undefined) return '(absent)';
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  return JSON.stringify(v);
}
