import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { ArchiveError } from './archive-error.ts';
import { MANIFEST_FILE, manifestSchema, type ArchiveManifest } from './manifest.ts';
import { checksum } from './write-entry.ts';

/** Reading the report archive back (spec: specs/archive-and-plans.md §3): list entries, load one, verify it. */
export interface ArchiveEntry {
  readonly dir: string;
  readonly initiative: string;
  readonly phase: string;
  /** The directory name: `YYYYMMDDTHHMMSSZ`, with `-N` when two entries fell in the same second. */
  readonly stamp: string;
  readonly manifest: ArchiveManifest;
}

export interface ListFilter {
  readonly initiative?: string;
  readonly phase?: string;
}

const STAMP = /^\d{8}T\d{6}Z(?:-(\d+))?$/;

export interface ArchiveListing {
  readonly entries: ArchiveEntry[];
  /** Entry directories whose manifest is missing or invalid, with the reason: listed, never silently dropped. */
  readonly damaged: { readonly dir: string; readonly reason: string }[];
}

/** Every entry under the root, oldest first within each initiative/phase. Temp dirs and other names are skipped. */
export function listEntries(reportsRoot: string, filter: ListFilter = {}): ArchiveListing {
  const root = resolve(reportsRoot);
  const listing: ArchiveListing = { entries: [], damaged: [] };
  if (!existsSync(root)) return listing;
  for (const initiative of subdirs(root)) {
    if (filter.initiative !== undefined && initiative !== filter.initiative) continue;
    for (const phase of subdirs(join(root, initiative))) {
      if (filter.phase !== undefined && phase !== filter.phase) continue;
      const stamps = subdirs(join(root, initiative, phase)).filter((name) => STAMP.test(name));
      for (const stamp of stamps.sort(byStamp)) {
        const dir = join(root, initiative, phase, stamp);
        try {
          listing.entries.push(readEntry(dir));
        } catch (error) {
          if (!(error instanceof ArchiveError)) throw error;
          listing.damaged.push({ dir, reason: error.message });
        }
      }
    }
  }
  return listing;
}

/** Load one entry and validate its manifest. */
export function readEntry(dir: string): ArchiveEntry {
  const path = join(dir, MANIFEST_FILE);
  if (!existsSync(path)) throw new ArchiveError(`${dir} is not a report-archive entry: it has no ${MANIFEST_FILE}. Pass a directory listed by \`tandem report ls\`.`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ArchiveError(`${path} is not valid JSON (${(error as Error).message}); the entry is damaged.`, { cause: error });
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ArchiveError(`${path} is not a valid archive manifest: ${issue?.message ?? 'invalid'} at key ${issue?.path.join('.') || '(root)'}.`);
  }
  const parts = resolve(dir).split(sep);
  return { dir: resolve(dir), initiative: parts.at(-3) ?? '', phase: parts.at(-2) ?? '', stamp: parts.at(-1) ?? '', manifest: parsed.data };
}

export interface Verification {
  readonly ok: boolean;
  /** Listed in the manifest, with different content now. */
  readonly changed: string[];
  /** Listed in the manifest, gone now. */
  readonly missing: string[];
  /** Present now, never listed: added after the entry was written. */
  readonly unlisted: string[];
}

/** Recompute every file's sha256 and compare it with the manifest. */
export function verifyEntry(entry: ArchiveEntry): Verification {
  const changed: string[] = [];
  const missing: string[] = [];
  for (const [path, record] of Object.entries(entry.manifest.files)) {
    const full = join(entry.dir, path);
    if (!existsSync(full)) missing.push(path);
    else if (checksum(readFileSync(full)).sha256 !== record.sha256) changed.push(path);
  }
  const unlisted = filesUnder(entry.dir)
    .map((full) => relative(entry.dir, full).split(sep).join('/'))
    .filter((path) => path !== MANIFEST_FILE && !(path in entry.manifest.files));
  return { ok: changed.length + missing.length + unlisted.length === 0, changed, missing, unlisted };
}

/** Read a file of an entry as text, or undefined when the entry has no such file. */
export function readEntryText(entry: ArchiveEntry, path: string): string | undefined {
  const full = join(entry.dir, path);
  return existsSync(full) ? readFileSync(full, 'utf8') : undefined;
}

function subdirs(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
    .map((d) => d.name)
    .sort();
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

/** Text order, except that `-10` comes after `-9`. */
function byStamp(a: string, b: string): number {
  const base = a.slice(0, 16).localeCompare(b.slice(0, 16));
  return base !== 0 ? base : Number(STAMP.exec(a)?.[1] ?? -1) - Number(STAMP.exec(b)?.[1] ?? -1);
}
