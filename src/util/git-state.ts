import { execa } from 'execa';

/** The checkout a run came from. Both null outside a git checkout (or without git): absent evidence, not an error. */
export interface GitState {
  readonly commit: string | null;
  /** Uncommitted changes to tracked files existed, so the commit alone does not reproduce the run. */
  readonly dirty: boolean | null;
}

export async function gitState(cwd: string): Promise<GitState> {
  const head = await execa('git', ['rev-parse', 'HEAD'], { cwd, reject: false });
  if (head.exitCode !== 0) return { commit: null, dirty: null };
  const status = await execa('git', ['status', '--porcelain', '--untracked-files=no'], { cwd, reject: false });
  return { commit: head.stdout.trim(), dirty: status.exitCode === 0 ? status.stdout.trim().length > 0 : null };
}
