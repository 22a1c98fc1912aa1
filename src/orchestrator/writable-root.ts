import { mkdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, parse, resolve } from 'node:path';
import { describeSystemError, isSystemError } from '../util/system-error.ts';
import { PathError } from './errors.ts';

/**
 * Make `root` a directory that takes files, before any work starts (the outputs root, the report archive, the
 * baselines folder): create what is missing, one level at a time, then write and delete a probe file. A root that is a file, lies under a file, is read-only or sits where nothing
 * can be created (/proc) fails here with one sentence, not after training. One level at a time because Node's
 * recursive mkdir loops forever on a path under /proc.
 *
 * `what` names the directory for the person ("the outputs directory"); returns the absolute path.
 */
export function prepareWritableRoot(root: string, what: string): string {
  const absolute = resolve(root);
  const missing: string[] = [];
  let existing = absolute;
  for (; !isDirectory(existing, absolute, what); existing = dirname(existing)) {
    missing.unshift(existing);
    if (existing === parse(existing).root) break;
  }
  for (const dir of missing) {
    try {
      mkdirSync(dir);
    } catch (error) {
      throw fail(error, `create ${what}`, dir, absolute);
    }
  }
  const probe = resolve(absolute, `.tandem-write-probe-${process.pid}`);
  try {
    writeFileSync(probe, '');
    unlinkSync(probe);
  } catch (error) {
    throw fail(error, `write into ${what}`, absolute, absolute);
  }
  return absolute;
}

/** Whether `path` (the root or one of its parents) is a directory; false when absent, refused when a file. */
function isDirectory(path: string, root: string, what: string): boolean {
  let stats;
  try {
    stats = statSync(path);
  } catch (error) {
    if (isSystemError(error) && (error.code === 'ENOENT' || error.code === 'ENOTDIR')) return false;
    throw fail(error, `use ${what}`, path, root);
  }
  if (stats.isDirectory()) return true;
  throw new PathError(
    path === root
      ? `cannot use ${what} ${root}: it is a file, not a directory; choose a directory path`
      : `cannot create ${what} ${root}: ${path} is a file, not a directory; choose a path whose every parent is a directory`,
  );
}

function fail(error: unknown, action: string, path: string, root: string): Error {
  if (!isSystemError(error)) return error as Error;
  const sentence = describeSystemError(error, action, path);
  return new PathError(path === root ? sentence : `${sentence} (on the way to ${root})`);
}
