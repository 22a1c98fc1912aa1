import { isAbsolute, normalize } from 'node:path';
import { z } from 'zod';

/**
 * The params schema of a file a plugin writes into the run directory: a relative path that stays inside it, so a
 * config cannot make a tracker or reporter write over files elsewhere.
 */
export function runDirFile(fallback: string) {
  return z
    .string()
    .min(1)
    .refine((f) => !isAbsolute(f) && !normalize(f).startsWith('..'), 'must be a relative path inside the run directory')
    .default(fallback);
}
