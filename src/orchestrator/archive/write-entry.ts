import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize, resolve, sep } from 'node:path';
import { withSignalsDeferred } from '../../util/defer-signals.ts';
import { sha256Hex } from '../../util/hash.ts';
import { PathError } from '../errors.ts';
import { prepareWritableRoot } from '../writable-root.ts';
import { ArchiveError } from './archive-error.ts';
import { MANIFEST_FILE, MANIFEST_FORMAT, MANIFEST_VERSION, manifestSchema, type ArchiveManifest, type FileRecord, type ManifestInput } from './manifest.ts';

/**
 * Write one report-archive entry, `<reportsRoot>/<initiative>/<phase>/<YYYYMMDDTHHMMSSZ>/`
 * (spec: specs/archive-and-plans.md §1). All files go into a temp directory inside the phase directory, the
 * manifest (with every file's sha256) last, then one rename publishes the whole entry: a reader sees a complete
 * entry or none. An existing entry is never replaced; a clash in the same second takes a `-1`, `-2`… suffix.
 */
export interface ArchiveFile {
  /** Path inside the entry, '/'-separated, e.g. `parity.json` or `logs/vitest-1.txt`. */
  readonly path: string;
  readonly data: string | Uint8Array;
}

export interface WriteEntryRequest {
  readonly reportsRoot: string;
  readonly manifest: ManifestInput;
  readonly files: readonly ArchiveFile[];
  readonly now?: Date;
}

export interface WrittenEntry {
  readonly dir: string;
  readonly manifest: ArchiveManifest;
}

/** A directory name: letters, digits, `.`, `_`, `-`, not starting with a dot (dot names are our temp dirs). */
const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;
export const TEMP_PREFIX = '.tmp-';

/** SIGINT/SIGTERM during the write take effect after it: the entry is then complete, or absent. */
export function writeArchiveEntry(request: WriteEntryRequest): WrittenEntry {
  return withSignalsDeferred(() => writeEntry(request));
}

function writeEntry(request: WriteEntryRequest): WrittenEntry {
  const { initiative, phase } = request.manifest;
  for (const [what, name] of [['initiative', initiative], ['phase', phase]] as const) {
    if (!SEGMENT.test(name)) throw new ArchiveError(`the ${what} name "${name}" cannot be a directory of the report archive; use letters, digits, ".", "_" and "-" only.`);
  }
  const now = request.now ?? new Date();
  const root = resolve(request.reportsRoot);
  const parent = join(root, initiative, phase);
  const temp = makeTempDir(root, parent);
  try {
    const files: Record<string, FileRecord> = {};
    for (const file of request.files) {
      const path = checkedPath(file.path);
      if (files[path]) throw new ArchiveError(`the archive entry was given the file "${path}" twice; each file needs its own path.`);
      const target = join(temp, path);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, file.data);
      files[path] = checksum(file.data);
    }
    const manifest = manifestSchema.parse({
      format: MANIFEST_FORMAT,
      version: MANIFEST_VERSION,
      ...request.manifest,
      createdAt: now.toISOString(),
      files,
    });
    writeFileSync(join(temp, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
    return { dir: publish(temp, parent, archiveStamp(now)), manifest };
  } catch (error) {
    rmSync(temp, { recursive: true, force: true });
    throw error;
  }
}

/** `20261123T041502Z`: sortable as text, and the same instant for every reader regardless of time zone. */
export function archiveStamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

export function checksum(data: string | Uint8Array): FileRecord {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  return { sha256: sha256Hex(bytes), bytes: bytes.byteLength };
}

/**
 * Create `<root>/<initiative>/<phase>/` and check it can be written, before a long phase runs rather than after
 * it: a clear error (exit 2) naming the directory and what to do.
 */
export function ensureArchiveWritable(reportsRoot: string, initiative: string, phase: string): string {
  const root = resolve(reportsRoot);
  return archiveDirectory(root, join(root, initiative, phase));
}

function makeTempDir(root: string, parent: string): string {
  archiveDirectory(root, parent);
  try {
    return mkdtempSync(join(parent, TEMP_PREFIX));
  } catch (error) {
    throw unwritable(root, error);
  }
}

/** The phase directory, created level by level and probed with a write (a path under /proc fails, not spins). */
function archiveDirectory(root: string, parent: string): string {
  try {
    return prepareWritableRoot(parent, 'the report archive');
  } catch (error) {
    throw unwritable(root, error);
  }
}

function unwritable(root: string, error: unknown): ArchiveError {
  const detail = error instanceof PathError ? error.message : `cannot write the report archive: creating a directory under ${root} failed (${(error as NodeJS.ErrnoException).code ?? String(error)})`;
  return new ArchiveError(`${detail}. Make ${root} a writable directory, or choose another with --reports <dir>.`, { cause: error });
}

function checkedPath(path: string): string {
  const normal = normalize(path).split(sep).join('/');
  if (isAbsolute(path) || normal.startsWith('../') || normal === '..' || normal === '.' || normal === MANIFEST_FILE) {
    throw new ArchiveError(`the archive file path "${path}" must be relative, stay inside the entry and not be ${MANIFEST_FILE}.`);
  }
  return normal;
}

/**
 * rename(2) replaces an EMPTY target directory, and fails with ENOTEMPTY/EEXIST on a non-empty one. Every entry
 * holds at least its manifest, so a concurrent writer that took the name first makes our rename fail, and we
 * move on to the next suffix: no entry is ever overwritten.
 */
function publish(temp: string, parent: string, stamp: string): string {
  for (let n = 0; ; n++) {
    const target = join(parent, n === 0 ? stamp : `${stamp}-${n}`);
    if (existsSync(target)) continue;
    try {
      renameSync(temp, target);
      return target;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
    }
  }
}
