import { existsSync } from 'node:fs';
import { DataError } from '../data/errors.ts';
import { readNpzFile, writeNpzFile, type NpzEntry } from '../data/npz.ts';
import type { RawData } from '../data/raw-data.ts';
import { canonicalJson, sha256Hex } from '../util/hash.ts';

/**
 * The generated-data cache shared by the physics generators: one .npz per cached unit (a simulation, a data set)
 * whose metadata attrs hold the hash of everything that determines its numbers (parameters, seed, solver
 * version). A file is reused only when that hash matches; a stale or unreadable file is regenerated, and the
 * `log` callback says which and why, so a user never wonders where old numbers came from.
 */
export type CacheOutcome = 'reused' | 'generated' | 'regenerated-stale' | 'regenerated-corrupt';

export interface CachedFile {
  readonly data: RawData;
  readonly outcome: CacheOutcome;
}

export interface Generated {
  readonly arrays: Record<string, NpzEntry>;
  /** Extra JSON attributes (beside the hash and the generating parameters). */
  readonly attrs?: Record<string, unknown>;
}

/**
 * The hash of the generating parameters: sha256 of their canonical JSON (keys sorted), so equal parameters
 * always hash the same whatever order a caller built them in.
 */
export function generationHash(generating: Record<string, unknown>): string {
  return sha256Hex(canonicalJson(generating));
}

export function loadOrGenerate(path: string, generating: Record<string, unknown>, generate: () => Generated, log: (message: string) => void): CachedFile {
  const hash = generationHash(generating);
  let outcome: CacheOutcome = 'generated';
  if (existsSync(path)) {
    const verdict = inspect(path, hash);
    if (verdict.ok) return { data: verdict.data, outcome: 'reused' };
    outcome = verdict.corrupt ? 'regenerated-corrupt' : 'regenerated-stale';
    log(`${path}: ${verdict.reason}; regenerating it`);
  }
  const made = generate();
  writeNpzFile(path, made.arrays, { attrs: { ...made.attrs, hash, generating } });
  // Read back what was written, so a reused and a fresh file come out of the same decoder.
  return { data: readNpzFile(path), outcome };
}

type Verdict = { ok: true; data: RawData } | { ok: false; corrupt: boolean; reason: string };

function inspect(path: string, hash: string): Verdict {
  let data: RawData;
  try {
    data = readNpzFile(path);
  } catch (e) {
    if (!(e instanceof DataError)) throw e;
    return { ok: false, corrupt: true, reason: `the cached file is corrupt (${e.message})` };
  }
  const stored = data.attrs.hash;
  if (stored !== hash) {
    const was = typeof stored === 'string' ? `hash ${stored.slice(0, 12)}` : 'no hash';
    return { ok: false, corrupt: false, reason: `the cached file is stale: it was generated with other parameters (${was}, now ${hash.slice(0, 12)}${describeChange(data.attrs.generating)})` };
  }
  return { ok: true, data };
}

function describeChange(previous: unknown): string {
  return typeof previous === 'object' && previous !== null ? `; it was made from ${JSON.stringify(previous)}` : '';
}
