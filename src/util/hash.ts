import { createHash } from 'node:crypto';

/**
 * Canonical JSON for hashing (spec: specs/config-handshake.md §6): object keys sorted by code unit, no
 * whitespace, arrays in order. Non-finite numbers (reachable through `inf`/`nan` overrides) are written as the
 * bare tokens NaN, Infinity, -Infinity: not JSON, but distinct from the strings "NaN" etc. and from null,
 * which is all a hash input needs.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : String(value);
  if (typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  throw new TypeError(`cannot hash a ${typeof value} in a config`);
}

/** sha256 as lowercase hex, of a string's UTF-8 bytes or of raw bytes. */
export function sha256Hex(data: string | Uint8Array): string {
  const hash = createHash('sha256');
  if (typeof data === 'string') hash.update(data, 'utf8');
  else hash.update(data);
  return hash.digest('hex');
}
