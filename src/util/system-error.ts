/**
 * Node's file-system errors (`ENOENT: no such file or directory, mkdir '/x'`) as sentences for a person: what
 * tandem tried, on which path, why it failed, and what to do. Every errno that reaches the CLI is said this way,
 * with exit code 2: a path the person chose is wrong, or the disk is; in both cases the fix is theirs.
 */
export interface SystemError extends Error {
  readonly code: string;
  readonly syscall?: string;
  readonly path?: string;
  readonly dest?: string;
}

export function isSystemError(error: unknown): error is SystemError {
  if (!(error instanceof Error)) return false;
  const e = error as Partial<SystemError>;
  return typeof e.code === 'string' && /^E[A-Z0-9]+$/.test(e.code) && (typeof e.syscall === 'string' || typeof e.path === 'string');
}

/** Why, and what to do, for the errnos a person can meet; anything else keeps Node's own words. */
const REASONS: Readonly<Record<string, readonly [string, string]>> = {
  ENOENT: ['it does not exist, or cannot be created there', 'check the path'],
  ENOTDIR: ['a part of the path is a file, not a directory', 'choose a path whose every parent is a directory'],
  EISDIR: ['it is a directory where a file is needed', 'give a file path'],
  EEXIST: ['something already exists there', 'remove it or choose another path'],
  EACCES: ['permission denied', 'fix its permissions or choose a path you can write to'],
  EPERM: ['the operation is not permitted there', 'choose a path in a normal writable directory'],
  EROFS: ['the file system is read-only', 'choose a path on a writable disk'],
  ENOSPC: ['the disk is full', 'free some space or choose another disk'],
  EDQUOT: ['the disk quota is used up', 'free some space or choose another disk'],
  ENAMETOOLONG: ['a name in the path is longer than the file system allows (255 bytes a name, 4096 a path)', 'use shorter names'],
  ELOOP: ['the path has a symbolic link loop', 'fix the links'],
  EMFILE: ['too many files are open', 'raise the open-file limit (ulimit -n)'],
  EBUSY: ['it is in use', 'try again once it is free'],
  ENOTEMPTY: ['the directory is not empty', 'empty it or choose another path'],
};

/** What a syscall was doing, as a verb phrase for "cannot …". */
const ACTIONS: Readonly<Record<string, string>> = {
  mkdir: 'create the directory',
  open: 'open',
  write: 'write',
  read: 'read',
  rename: 'rename',
  unlink: 'delete',
  rmdir: 'remove the directory',
  rm: 'remove',
  scandir: 'list the directory',
  stat: 'read',
  lstat: 'read',
  access: 'access',
  copyfile: 'copy',
  symlink: 'link',
};

/** One sentence: `cannot <action> <path>: <reason>; <fix> (<CODE>)`. `action` overrides the syscall's verb. */
export function describeSystemError(error: SystemError, action?: string, path = error.path): string {
  const verb = action ?? (error.syscall ? ACTIONS[error.syscall] ?? error.syscall : 'use');
  const [reason, fix] = REASONS[error.code] ?? [error.message.replace(/^E[A-Z0-9]+: /, '').replace(/, \w+ '.*'$/, ''), 'check the path and try again'];
  const target = path ? ` ${path}${error.dest ? ` to ${error.dest}` : ''}` : '';
  return `cannot ${verb}${target}: ${reason}; ${fix} (${error.code})`;
}
