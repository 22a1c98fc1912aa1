import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { MockMlflowServer } from './mock-mlflow-server.ts';
import { tempDir } from './tracker-harness.ts';

// spec: specs/tracking.md §3 (a run is never left RUNNING).

const FIXTURE = join(import.meta.dirname, 'fixtures', 'interrupted-run.ts');

/** The run's status code as MLflow would read it from meta.yaml (tests/trackers/mlruns_reader.py). */
function statusOf(root: string): unknown {
  const out = JSON.parse(execFileSync('/usr/bin/python3', [join(import.meta.dirname, 'mlruns_reader.py'), join(root, 'mlruns')], { encoding: 'utf8' })) as {
    experiments: { dir: string; runs: { meta: { status: unknown; end_time: unknown } }[] }[];
  };
  const run = out.experiments.find((e) => e.dir !== '0')?.runs[0];
  return [run?.meta.status, typeof run?.meta.end_time];
}

function start(root: string, mode: string, url?: string) {
  return execa('node', ['--import', 'tsx', FIXTURE, root, mode, ...(url ? [url] : [])], { reject: false, cwd: join(import.meta.dirname, '..', '..') });
}

async function untilReady(child: ReturnType<typeof start>): Promise<void> {
  await new Promise<void>((resolve) => child.stdout?.on('data', (d: Buffer) => d.toString().includes('ready') && resolve()));
}

describe('a run that does not end normally', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`is marked KILLED (5) on ${signal}, and the process still dies of the signal`, async () => {
      const root = tempDir('mlruns-signal');
      const child = start(root, 'signal');
      await untilReady(child);
      child.kill(signal);
      const result = await child;
      expect(result.signal).toBe(signal);
      expect(statusOf(root)).toEqual([5, 'number']);
    });
  }

  it('is marked KILLED on the tracking server on SIGTERM, with what was logged before', async () => {
    const mock = await MockMlflowServer.start();
    try {
      const child = start(tempDir('rest-signal'), 'signal', mock.url);
      await untilReady(child);
      child.kill('SIGTERM');
      expect((await child).signal).toBe('SIGTERM');
      const [run] = [...mock.runs.values()];
      expect(run?.info.status).toBe('KILLED');
      expect(run?.metrics.map((m) => m.key)).toEqual(['train/loss']);
    } finally {
      await mock.close();
    }
  });

  it('is marked FAILED on the tracking server when the process exits midway (a synchronous request from the exit handler)', async () => {
    const mock = await MockMlflowServer.start();
    try {
      const root = tempDir('rest-exit');
      const result = await start(root, 'exit', mock.url);
      expect(result.exitCode).toBe(3);
      const [run] = [...mock.runs.values()];
      expect(run?.info.status).toBe('FAILED');
      expect(run?.metrics.map((m) => m.key)).toEqual(['train/loss']);
      // Everything reached the server, so nothing is left to replay.
      expect(existsSync(join(root, 'outputs', '2026-11-23', '04-05-06', '.tandem', 'mlflow-spool.jsonl'))).toBe(false);
    } finally {
      await mock.close();
    }
  });

  it('is marked FAILED (4) when the process exits midway', async () => {
    const root = tempDir('mlruns-exit');
    const result = await start(root, 'exit');
    expect(result.exitCode).toBe(3);
    expect(statusOf(root)).toEqual([4, 'number']);
  });

  it('is marked FAILED (4) when an uncaught exception kills the process', async () => {
    const root = tempDir('mlruns-crash');
    const result = await start(root, 'throw');
    expect(result.stderr).toContain('simulated crash');
    expect(statusOf(root)).toEqual([4, 'number']);
  });
});
