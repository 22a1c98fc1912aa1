// spec: specs/config-handshake.md §9: every errno is one sentence (what, which path, what to do) with exit code 2.
import { describe, expect, it } from 'vitest';
import { exitCodeOf, messageOf } from '../../src/orchestrator/errors.ts';
import { describeSystemError, isSystemError, type SystemError } from '../../src/util/system-error.ts';

/** An error shaped as Node's fs module throws it. */
function errno(code: string, syscall: string, path: string): SystemError {
  return Object.assign(new Error(`${code}: some words, ${syscall} '${path}'`), { code, syscall, path, errno: -1 });
}

describe('file-system errors as sentences', () => {
  it.each([
    ['EACCES', 'open', '/srv/runs/a.json', 'cannot open /srv/runs/a.json: permission denied; fix its permissions or choose a path you can write to (EACCES)'],
    ['EROFS', 'mkdir', '/mnt/ro/runs', 'cannot create the directory /mnt/ro/runs: the file system is read-only; choose a path on a writable disk (EROFS)'],
    ['ENOSPC', 'write', '/data/x.npz', 'cannot write /data/x.npz: the disk is full; free some space or choose another disk (ENOSPC)'],
    ['EXDEV', 'rename', '/a/b', "cannot rename /a/b: some words; check the path and try again (EXDEV)"],
  ])('%s from %s', (code, syscall, path, sentence) => {
    const error = errno(code, syscall, path);
    expect(isSystemError(error)).toBe(true);
    expect(describeSystemError(error)).toBe(sentence);
    expect(messageOf(error)).toBe(sentence);
    expect(exitCodeOf(error)).toBe(2);
  });

  it('leaves other errors alone', () => {
    const error = Object.assign(new Error('ERR_SOMETHING happened'), { code: 'ERR_INVALID_ARG_TYPE' });
    expect(isSystemError(error)).toBe(false);
    expect(messageOf(error)).toBe('ERR_SOMETHING happened');
    expect(exitCodeOf(error)).toBeUndefined();
  });
});
