import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A throwaway config directory holding `files` (relative path → text). Returns its absolute path. */
export function configDir(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'tandem-config-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}
