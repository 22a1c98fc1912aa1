// spec: specs/sweeps.md §5 (a retried job continues from its checkpoint; a finished run is not trained again)
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runHandshake } from '../../src/orchestrator/handshake.ts';
import { readStatus, writeStatus } from '../../src/orchestrator/run/run-directory.ts';
import { runSweepJob, type SweepJobSpec } from '../../src/orchestrator/sweep/sweep-job.ts';
import { builtinPlugins } from '../../src/plugins/index.ts';

const overrides = ['train.epochs=2', '+train.checkpoint={every_n_epochs: 1, save_top_k: -1}'];

async function jobIn(runDir: string): Promise<SweepJobSpec> {
  const { frozen } = await runHandshake({ configFile: 'conf/quickstart.yaml', overrides, builtins: builtinPlugins });
  return { index: 0, configFile: resolve('conf/quickstart.yaml'), overrides, configHash: frozen.hash, runDir };
}

const results = (runDir: string) => JSON.parse(readFileSync(join(runDir, 'results.json'), 'utf8'));

describe('a sweep job run again in its directory', () => {
  it('continues from the checkpoint an interrupted attempt left, ending where an uninterrupted run ends', async () => {
    const root = mkdtempSync(join(tmpdir(), 'tandem-retry-'));
    const whole = await runSweepJob(await jobIn(join(root, 'whole')), builtinPlugins);
    expect(whole.status).toBe('complete');

    // An attempt killed after epoch 0: its epoch-1 checkpoint, `last`, results and final status never got written.
    const spec = await jobIn(join(root, 'killed'));
    await runSweepJob(spec, builtinPlugins);
    const checkpoints = join(spec.runDir, 'checkpoints');
    for (const name of readdirSync(checkpoints).filter((n) => n.startsWith('last') || n.startsWith('epoch=1-'))) rmSync(join(checkpoints, name), { recursive: true, force: true });
    rmSync(join(spec.runDir, 'results.json'));
    const status = readStatus(spec.runDir);
    writeStatus(spec.runDir, { ...status, status: 'running' });

    const retried = await runSweepJob(spec, builtinPlugins);
    expect(retried).toMatchObject({ status: 'complete', executed: true });
    const after = results(spec.runDir);
    expect(after.resumedFrom).toMatchObject({ step: results(whole.runDir).history[0].steps });
    expect(retried.final!.validation).toBeCloseTo(whole.final!.validation!, 6);
  });

  it('returns a finished run of the same config as it is, training nothing', async () => {
    const spec = await jobIn(join(mkdtempSync(join(tmpdir(), 'tandem-retry-')), '0'));
    const first = await runSweepJob(spec, builtinPlugins);
    const again = await runSweepJob(spec, builtinPlugins);
    expect(first.executed).toBe(true);
    expect(again).toMatchObject({ status: 'complete', executed: false, final: first.final });
  });
});
