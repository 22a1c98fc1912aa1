// docs/architecture.md "One reporting path": report.html is written by the reporters alone; workloads and adapters
// hand their rows and plots to them (RunHooks.onReport, DataAdapter.afterTraining → DomainResults).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const repoRoot = join(import.meta.dirname, '..', '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : name.endsWith('.ts') ? [path] : [];
  });
}

describe('one reporting path', () => {
  it('only src/reports/ renders a run report', () => {
    const writers = sources(join(repoRoot, 'src'))
      .filter((file) => /\bwriteRunReport\(/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(repoRoot, file));
    expect(writers.length).toBeGreaterThan(0);
    expect(writers.filter((file) => !file.startsWith('src/reports/'))).toStrictEqual([]);
  });
});
