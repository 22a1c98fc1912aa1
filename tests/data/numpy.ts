import { execa } from 'execa';

/** The Debian python with numpy (not the pyenv `python3` on PATH, which lacks it). */
export const PYTHON = '/usr/bin/python3';

/** Runs a Python snippet with numpy imported as np and json as json; returns its stdout parsed as JSON. */
export async function python<T = unknown>(code: string, args: string[] = []): Promise<T> {
  const { stdout } = await execa(PYTHON, ['-c', `import numpy as np, json, sys\n${code}`, ...args]);
  return JSON.parse(stdout) as T;
}

/** The error `fn` throws (fails the test if it returns normally). */
export function catchError(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error, but the call returned normally');
}
