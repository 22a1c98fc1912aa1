import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The run's report files: whoever writes a file a person reads after the run (results.json, summary.json,
 * report.html, plots/, a metrics JSON, an adapter's CSVs) declares it here, and a tracker whose `artifacts` list
 * says `reports` uploads exactly those (specs/tracking.md §1). A list the writers keep rather than a glob: they know
 * their files, and whatever else lands in the run directory (graphs, checkpoints, a spool) is not mistaken for one.
 */
export const REPORT_FILES_LIST = '.tandem/report-files.txt';

/** Adds files or folders (relative to the run directory) to the run's report; declaring one twice is harmless. */
export function declareReportFiles(runDir: string, ...paths: string[]): void {
  const list = join(runDir, REPORT_FILES_LIST);
  mkdirSync(dirname(list), { recursive: true });
  appendFileSync(list, paths.map((p) => `${p}\n`).join(''));
}

/** The declared paths, relative to the run directory, each once, in the order first declared. */
export function declaredReportFiles(runDir: string): string[] {
  const list = join(runDir, REPORT_FILES_LIST);
  if (!existsSync(list)) return [];
  return [...new Set(readFileSync(list, 'utf8').split('\n').filter(Boolean))];
}
