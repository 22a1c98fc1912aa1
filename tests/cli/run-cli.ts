import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../src/cli/program.ts';

/** Run the real CLI in-process and capture what it printed. */
export async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { out: (t) => void (stdout += t), err: (t) => void (stderr += t) });
  return { code, stdout, stderr };
}

/** The status of every run directory under an outputs root. */
export function runStatuses(outputsRoot: string): string[] {
  if (!existsSync(outputsRoot)) return [];
  return readdirSync(outputsRoot).flatMap((day) =>
    readdirSync(join(outputsRoot, day)).map((time) => {
      const status = join(outputsRoot, day, time, '.tandem', 'status.json');
      return existsSync(status) ? (JSON.parse(readFileSync(status, 'utf8')) as { status: string }).status : 'no status file';
    }),
  );
}
