import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readlinkSync, renameSync, rmSync, symlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Directories that appear whole or not at all. A checkpoint is written into a temporary directory next to its
 * final place (rename is atomic only within one filesystem), every file and the directory are fsynced, and only
 * then is it renamed into place and the parent fsynced. A kill at any moment leaves either the old state or the
 * new one, plus at most a `.tmp-*` directory that no reader looks at.
 */
export function writeDirAtomic(parent: string, name: string, files: ReadonlyMap<string, Uint8Array>): string {
  mkdirSync(parent, { recursive: true });
  const final = join(parent, name);
  const temp = join(parent, `.tmp-${name}-${process.pid}-${randomBytes(4).toString('hex')}`);
  mkdirSync(temp);
  try {
    for (const [file, bytes] of files) writeFileSynced(join(temp, file), bytes);
    fsyncPath(temp);
    if (existsSync(final)) {
      // rename(2) cannot replace a non-empty directory: move the old one aside first. Names written here are
      // never the `last` link, which is swapped atomically by pointLast().
      const old = join(parent, `.old-${name}-${process.pid}-${randomBytes(4).toString('hex')}`);
      renameSync(final, old);
      renameSync(temp, final);
      rmSync(old, { recursive: true, force: true });
    } else {
      renameSync(temp, final);
    }
    fsyncPath(parent);
    return final;
  } catch (error) {
    rmSync(temp, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Points the symlink `<parent>/<link>` at `<parent>/<target>` atomically: a new link is made under a temporary
 * name and renamed over the old one, which rename(2) does in one step, so there is never a moment without a
 * valid `last`. Returns the target the link pointed at before (for the caller to delete), if any.
 */
export function pointLink(parent: string, link: string, target: string): string | undefined {
  const path = join(parent, link);
  let previous: string | undefined;
  try {
    previous = readlinkSync(path);
  } catch {
    previous = undefined;
  }
  const temp = join(parent, `.tmp-${link}-${process.pid}-${randomBytes(4).toString('hex')}`);
  symlinkSync(target, temp, 'dir');
  try {
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
  fsyncPath(parent);
  return previous === target ? undefined : previous;
}

function writeFileSynced(path: string, bytes: Uint8Array): void {
  const fd = openSync(path, 'w');
  try {
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** fsync a directory: makes the names in it (a rename, a new file) durable, not just the file contents. */
function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
