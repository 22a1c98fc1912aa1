// spec: specs/checkpoints.md §3 (resume continues the trajectory exactly), §4 (resume=last)
// A real `tandem run` child process is SIGKILLed between two checkpoints; `resume=last` must then reproduce the
// uninterrupted run's per-step losses (steps.tsv) bit for bit, and its epoch history and final metrics.
import { execa } from 'execa';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readStepLog } from '../../src/train/step-log.ts';
import { cli } from '../cli/run-cli.ts';

const config = 'tests/checkpoint/fixtures/kill-resume.yaml';

function runDirs(root: string): string[] {
  return readdirSync(root).flatMap((day) => readdirSync(join(root, day)).map((t) => join(root, day, t))).sort();
}

async function waitFor(path: string, child: { exitCode: number | null }, seconds: number): Promise<void> {
  const until = Date.now() + seconds * 1000;
  while (!existsSync(path)) {
    if (child.exitCode !== null) throw new Error(`the run exited (code ${child.exitCode}) before reaching the kill point`);
    if (Date.now() > until) throw new Error(`the run did not reach the kill point within ${seconds}s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('a run killed with SIGKILL resumes on the uninterrupted trajectory', () => {
  it('resume=last continues from the mid-epoch checkpoint and matches every step, the history and the final metrics', async () => {
    const killedRoot = mkdtempSync(join(tmpdir(), 'tandem-killed-'));
    const marker = join(mkdtempSync(join(tmpdir(), 'tandem-marker-')), 'hanging');
    const child = execa('node', ['bin/tandem.js', 'run', config, '--outputs', killedRoot], {
      env: { TANDEM_TEST_HANG_AT_STEP: '16', TANDEM_TEST_HANG_MARKER: marker, CI: '1' },
      reject: false,
    });
    await waitFor(marker, child, 60);
    child.kill('SIGKILL');
    const killed = await child;
    expect(killed.signal).toBe('SIGKILL');
    const [killedDir] = runDirs(killedRoot);
    expect(JSON.parse(readFileSync(join(killedDir, '.tandem', 'status.json'), 'utf8')).status).toBe('running');
    // The kill came after step 16, before the epoch-end checkpoint: `last` is the mid-epoch one at step 15.
    expect(readlinkSync(join(killedDir, 'checkpoints', 'last'))).toBe('last.step=15');
    const killedSteps = readStepLog(readFileSync(join(killedDir, 'steps.tsv'), 'utf8'));
    expect(killedSteps.map((s) => s.step)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));

    const resumed = await cli('run', config, '--outputs', killedRoot, 'resume=last');
    expect(resumed.stderr).not.toContain('error');
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/resumed from .*checkpoints\/last at step 15/);
    const resumedDir = runDirs(killedRoot)[1];

    const cleanRoot = mkdtempSync(join(tmpdir(), 'tandem-clean-'));
    expect((await cli('run', config, '--outputs', cleanRoot)).code).toBe(0);
    const [cleanDir] = runDirs(cleanRoot);

    const clean = readStepLog(readFileSync(join(cleanDir, 'steps.tsv'), 'utf8'));
    const after = readStepLog(readFileSync(join(resumedDir, 'steps.tsv'), 'utf8'));
    expect(clean).toHaveLength(24);
    expect(after.map((s) => s.step)).toEqual(Array.from({ length: 9 }, (_, i) => i + 16));
    // Exact equality: the same batches (epoch 1 batch 7 first), LRs (step-interval schedule state) and Adam slots.
    expect([...killedSteps.slice(0, 15), ...after]).toEqual(clean);
    // Step 16 was trained twice (before the kill and after the resume) with identical results.
    expect(after[0]).toEqual(killedSteps[15]);

    const results = (dir: string) => JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
    const [a, b] = [results(cleanDir), results(resumedDir)];
    const strip = (h: { seconds: number }[]) => h.map(({ seconds: _s, ...rest }) => rest);
    expect(strip(b.history)).toEqual(strip(a.history));
    expect(b.final).toEqual(a.final);
    expect(b.steps).toBe(24);
    expect(b.resumedFrom).toEqual({ checkpoint: join(killedDir, 'checkpoints', 'last'), step: 15 });
  }, 120_000);
});
