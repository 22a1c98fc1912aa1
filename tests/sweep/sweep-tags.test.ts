// spec: specs/sweeps.md §3 (tags), specs/tracking.md §1 (RunStart.tags) — a tracker can group a sweep's jobs.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../cli/run-cli.ts';

interface StoreBack {
  problems: unknown[];
  experiments: { meta: { name: string }; runs: { tags: Record<string, string> }[] }[];
}

describe('sweep jobs in the tracker', () => {
  it('carry the sweep directory, their job number and their overrides as run tags (in-process executor)', async () => {
    const root = mkdtempSync(join(tmpdir(), 'tandem-sweep-tags-'));
    const store = join(root, 'mlruns');
    const outputs = join(root, 'multirun');
    const tracker = ['tracker.name=mlflow', `+tracker.params.tracking_uri=file:${store}`];
    const { code, stderr } = await cli('run', '-m', 'conf/quickstart.yaml', 'train.epochs=1', ...tracker, 'train.optimizer.lr=1e-2,1e-3', '--outputs', outputs);
    expect(code, stderr).toBe(0);
    const [day] = readdirSync(outputs);
    const sweepDir = join(outputs, day, readdirSync(join(outputs, day))[0]);
    const back = JSON.parse(execFileSync('/usr/bin/python3', [join(import.meta.dirname, '..', 'trackers', 'mlruns_reader.py'), store], { encoding: 'utf8' })) as StoreBack;
    expect(back.problems).toEqual([]);
    const runs = back.experiments.flatMap((e) => e.runs).sort((a, b) => Number(a.tags['tandem.sweep.job']) - Number(b.tags['tandem.sweep.job']));
    expect(runs.map((r) => [r.tags['tandem.sweep'], r.tags['tandem.sweep.job'], r.tags['tandem.sweep.overrides'], r.tags['tandem.run_dir']])).toStrictEqual([
      [sweepDir, '0', `train.epochs=1 ${tracker.join(' ')} train.optimizer.lr=0.01`, join(sweepDir, '0')],
      [sweepDir, '1', `train.epochs=1 ${tracker.join(' ')} train.optimizer.lr=0.001`, join(sweepDir, '1')],
    ]);
  });

  it('a plain run carries no sweep tags', async () => {
    const root = mkdtempSync(join(tmpdir(), 'tandem-sweep-tags-plain-'));
    const store = join(root, 'mlruns');
    const { code, stderr } = await cli('run', 'conf/quickstart.yaml', 'train.epochs=1', 'tracker.name=mlflow', `+tracker.params.tracking_uri=file:${store}`, '--outputs', join(root, 'outputs'));
    expect(code, stderr).toBe(0);
    const back = JSON.parse(execFileSync('/usr/bin/python3', [join(import.meta.dirname, '..', 'trackers', 'mlruns_reader.py'), store], { encoding: 'utf8' })) as StoreBack;
    const [run] = back.experiments.flatMap((e) => e.runs);
    expect(Object.keys(run?.tags ?? {}).filter((k) => k.startsWith('tandem.sweep'))).toEqual([]);
  });
});
