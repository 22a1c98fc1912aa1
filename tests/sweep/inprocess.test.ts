// spec: specs/sweeps.md §2 (layout), §3 (embedded executor, summary, failures), §4 (executor not hashed)
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runHandshake } from '../../src/orchestrator/handshake.ts';
import { builtinPlugins } from '../../src/plugins/index.ts';
import { cli } from '../cli/run-cli.ts';

const QUICK = ['conf/quickstart.yaml', 'train.epochs=2'];

function sweepDirs(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root).flatMap((day) => readdirSync(join(root, day)).map((time) => join(root, day, time)));
}

interface MultirunYaml {
  overrides: string[];
  sweep: Record<string, string[]>;
  jobs: { num: number; overrides: string[]; config_hash: string; status: string; dir: string; final_loss?: { validation: number } }[];
}

describe('an in-process sweep', () => {
  it('runs every combination into <sweep dir>/<n>/ and prints one summary row per job', async () => {
    const root = mkdtempSync(join(tmpdir(), 'tandem-sweep-'));
    const { code, stdout, stderr } = await cli('run', '-m', ...QUICK, 'train.optimizer.lr=1e-2,1e-3', '++executor.concurrency=2', '--outputs', root);
    expect(stderr).not.toMatch(/error/);
    expect(code).toBe(0);
    const [sweepDir] = sweepDirs(root);
    expect(sweepDir).toMatch(/\d{4}-\d{2}-\d{2}\/\d{2}-\d{2}-\d{2}$/);
    const record = parse(readFileSync(join(sweepDir, 'multirun.yaml'), 'utf8')) as MultirunYaml;
    expect(record.overrides).toStrictEqual(['train.epochs=2', 'train.optimizer.lr=1e-2,1e-3', '++executor.concurrency=2']);
    expect(record.sweep).toStrictEqual({ 'train.optimizer.lr': ['0.01', '0.001'] });
    expect(record.jobs.map((j) => [j.num, j.status, j.dir])).toStrictEqual([
      [0, 'complete', '0'],
      [1, 'complete', '1'],
    ]);
    for (const job of record.jobs) {
      const runDir = join(sweepDir, job.dir);
      // Each job's run directory is an ordinary run directory holding that job's own overrides and hash.
      expect(parse(readFileSync(join(runDir, '.tandem', 'overrides.yaml'), 'utf8'))).toStrictEqual(job.overrides);
      expect(readFileSync(join(runDir, '.tandem', 'config.sha256'), 'utf8').trim()).toBe(job.config_hash);
      const results = JSON.parse(readFileSync(join(runDir, 'results.json'), 'utf8'));
      expect(results.final.validation.loss).toBe(job.final_loss!.validation);
    }
    expect(record.jobs[0].overrides).toStrictEqual(['train.epochs=2', 'train.optimizer.lr=0.01', '++executor.concurrency=2']);
    expect(record.jobs[0].config_hash).not.toBe(record.jobs[1].config_hash);
    // The learning rate did something: the two jobs end at different losses.
    expect(record.jobs[0].final_loss!.validation).not.toBe(record.jobs[1].final_loss!.validation);
    const rows = stdout.split('\n').filter((l) => /^\d+\s/.test(l));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/^0\s+train\.optimizer\.lr=0\.01\s+complete\s+\d\.\d{4}e-\d\s+\d+\.\d s$/);
    expect(stdout).toMatch(/^job\s+overrides\s+status\s+val loss\s+time$/m);
  });

  it('finishes the other jobs when one fails at run time, then exits 1 naming the failure', async () => {
    const root = mkdtempSync(join(tmpdir(), 'tandem-sweep-'));
    const { code, stdout, stderr } = await cli('run', '-m', ...QUICK, 'adapter.params.path=data/missing.npz,data/quickstart.npz', '--outputs', root);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^0\s+adapter\.params\.path=data\/missing\.npz\s+failed\s+-/m);
    expect(stdout).toMatch(/^1\s+adapter\.params\.path=data\/quickstart\.npz\s+complete\s+\d/m);
    expect(stderr).toMatch(/job #0 failed .*missing\.npz/);
    expect(stderr).toMatch(/error: 1 of 2 sweep job\(s\) failed/);
    const record = parse(readFileSync(join(sweepDirs(root)[0], 'multirun.yaml'), 'utf8')) as MultirunYaml & { jobs: { error?: string }[] };
    expect(record.jobs.map((j) => j.status)).toStrictEqual(['failed', 'complete']);
    expect(record.jobs[0].error).toMatch(/missing\.npz/);
  });

  it('runs the handshake for every job first: a bad combination stops the sweep before anything runs, naming the job', async () => {
    const root = mkdtempSync(join(tmpdir(), 'tandem-sweep-'));
    const { code, stderr } = await cli('run', '-m', ...QUICK, 'train.optimizer.name=adam,adamx', 'train.optimizer.lr=1e-2,1e-3', '--outputs', root);
    expect(code).toBe(2);
    expect(stderr).toMatch(/2 of 4 sweep job\(s\) have a config that does not pass the handshake; no job was started/);
    expect(stderr).toMatch(/jobs #2, #3: command-line override 'train\.optimizer\.name=adamx': "adamx" is not a valid choice/);
    expect(sweepDirs(root)).toStrictEqual([]);
  });

  it('says a mistake shared by several jobs once', async () => {
    const { code, stderr } = await cli('run', '-m', ...QUICK, 'train.epochz=1', 'train.optimizer.lr=1e-2,1e-3', '--outputs', mkdtempSync(join(tmpdir(), 'tandem-sweep-')));
    expect(code).toBe(2);
    expect(stderr).toMatch(/every job: .*epochz/);
    expect(stderr.trim().split('\n')).toHaveLength(2);
  });

  it('prints the outcomes as JSON with --json, a sweep without sweep values being one job', async () => {
    const root = mkdtempSync(join(tmpdir(), 'tandem-sweep-'));
    const { code, stdout } = await cli('run', '-m', ...QUICK, '--json', '--outputs', root);
    expect(code).toBe(0);
    const printed = JSON.parse(stdout);
    expect(printed).toMatchObject({ sweepDir: sweepDirs(root)[0], executor: 'inprocess', sweep: [] });
    expect(printed.jobs).toHaveLength(1);
    expect(printed.jobs[0]).toMatchObject({ index: 0, overrides: ['train.epochs=2'], status: 'complete', executed: true, runDir: join(sweepDirs(root)[0], '0') });
  });

  it('refuses resume= in a multirun', async () => {
    const { code, stderr } = await cli('run', '-m', ...QUICK, 'resume=last');
    expect(code).toBe(2);
    expect(stderr).toMatch(/cannot be combined with -m\/--multirun/);
  });
});

describe('the executor section', () => {
  it('is written into the resolved config but not hashed: where a job runs is not what it computes', async () => {
    const plain = await runHandshake({ configFile: 'conf/quickstart.yaml', overrides: [], builtins: builtinPlugins });
    const queued = await runHandshake({ configFile: 'conf/quickstart.yaml', overrides: ['++executor.name=bullmq', '++executor.concurrency=4'], builtins: builtinPlugins });
    expect(plain.frozen.config.executor).toStrictEqual({ name: 'inprocess', concurrency: 1, redis_url: 'redis://127.0.0.1:6379', queue: 'tandem', attempts: 3, backoff_ms: 1000 });
    expect(queued.frozen.config.executor.name).toBe('bullmq');
    expect(queued.frozen.hash).toBe(plain.frozen.hash);
  });
});
