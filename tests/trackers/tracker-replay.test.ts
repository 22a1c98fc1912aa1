import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../cli/run-cli.ts';
import { FAST_RETRY, mockServerPerTest } from './rest-harness.ts';
import { tempDir } from './tracker-harness.ts';

// spec: specs/tracking.md §6 (outages lose nothing: `tandem tracker replay`).

const server = mockServerPerTest();

const MAINTENANCE = { kind: 'status', status: 503, code: 'TEMPORARILY_UNAVAILABLE', message: 'maintenance' } as const;

/** A real quickstart run whose server is away the whole time: it ends complete, with its records in the spool. */
async function runDuringOutage(): Promise<{ runDir: string; spool: string }> {
  const root = tempDir('replay');
  const retry = Object.entries(FAST_RETRY).map(([k, v]) => `+tracker.params.retry.${k}=${v}`);
  server.mock.outage = MAINTENANCE;
  const r = await cli('run', 'conf/quickstart-analytic.yaml', 'train.epochs=2', '+tracker.name=mlflow', `+tracker.params.tracking_uri=${server.mock.url}`, ...retry, '--outputs', join(root, 'outputs'));
  expect(r.code, r.stderr).toBe(0);
  const runDir = /run directory: (\S+)/.exec(r.stdout)?.[1] as string;
  const spool = join(runDir, '.tandem', 'mlflow-spool.jsonl');
  expect(existsSync(spool)).toBe(true);
  expect(server.mock.runs.size).toBe(0);
  expect(server.warnings.at(-1)).toMatch(/did not come back before the run ended; \d+ records .* are kept in/);
  return { runDir, spool };
}

describe('tandem tracker replay', () => {
  it('sends a spool left by an outage into one run, FINISHED with every metric and artifact, then removes it; a second replay is a no-op', async () => {
    const { runDir, spool } = await runDuringOutage();
    const spooled = readFileSync(spool, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { kind: string });
    server.mock.outage = undefined;

    const r = await cli('tracker', 'replay', runDir);
    expect(r.code, r.stderr).toBe(0);
    const [stored] = [...server.mock.runs.values()];
    expect(r.stdout).toBe(`sent ${spooled.length} record(s) to ${server.mock.url} (run ${stored?.info.run_id}); removed ${spool}\n`);
    expect(server.mock.runs.size).toBe(1);
    expect(stored?.info).toMatchObject({ status: 'FINISHED', run_name: runDir.split('/').slice(-2).join('_') });
    expect(stored?.metrics.filter((m) => m.key === 'train/loss').map((m) => m.step)).toHaveLength(2);
    expect(stored?.metrics).toHaveLength(spooled.filter((s) => s.kind === 'metric').length);
    expect(stored?.params.get('train.epochs')).toBe('2');
    expect(stored?.tags.get('tandem.status')).toBe('complete');
    const prefix = `${stored?.info.experiment_id}/${stored?.info.run_id}/artifacts/`;
    expect([...server.mock.artifacts.keys()].map((k) => k.slice(prefix.length)).sort()).toEqual(['config.yaml', 'plots/quickstart-analytic-loss.svg', 'plots/quickstart-analytic-loss.vl.json', 'report.html', 'results.json', 'summary.json']);
    expect(existsSync(spool)).toBe(false);

    const requests = server.mock.requests.length;
    const again = await cli('tracker', 'replay', runDir);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^nothing to replay: .*mlflow-spool\.jsonl does not exist/);
    expect(server.mock.requests.length).toBe(requests);
  });

  it('keeps what the server did not acknowledge when it goes away mid-replay, and the next replay continues the same run', async () => {
    const { runDir, spool } = await runDuringOutage();
    const lines = () => readFileSync(spool, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { kind: string });
    const before = lines();
    server.mock.outage = undefined;
    // The run is created and the params, metrics and tags land; then the server is away again during the uploads.
    server.mock.failNext(2, MAINTENANCE, 'mlflow-artifacts');
    const first = await cli('tracker', 'replay', runDir);
    expect(first.code).toBe(1);
    const left = lines();
    expect(first.stderr).toMatch(new RegExp(`refused .*mlflow-artifacts.* \\(HTTP 503 TEMPORARILY_UNAVAILABLE\\).*\\n${left.length} record\\(s\\) are still in .*mlflow-spool\\.jsonl; run \`tandem tracker replay .*\` again once the server answers`));
    // Everything from the first upload on (the artifacts, the status tag, the final status) is still owed.
    expect(left).toEqual(before.slice(before.findIndex((r) => r.kind === 'artifact')));
    const [stored] = [...server.mock.runs.values()];
    expect(stored?.info.status).toBe('RUNNING');
    const metrics = stored?.metrics.length;
    expect(metrics).toBe(before.filter((r) => r.kind === 'metric').length);

    const second = await cli('tracker', 'replay', runDir);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(new RegExp(`^sent ${left.length} record\\(s\\)`));
    expect(server.mock.runs.size).toBe(1);
    expect(server.mock.calls('runs/create')).toHaveLength(1);
    expect(stored?.info.status).toBe('FINISHED');
    expect(stored?.metrics.length).toBe(metrics);
    expect(existsSync(spool)).toBe(false);
  });

  it('drops a torn last line (the process died mid-append) and refuses a run without a REST tracker', async () => {
    const { runDir, spool } = await runDuringOutage();
    writeFileSync(spool, `${readFileSync(spool, 'utf8')}{"kind":"metr`);
    server.mock.outage = undefined;
    const r = await cli('tracker', 'replay', runDir);
    expect(r.code, r.stderr).toBe(0);
    expect([...server.mock.runs.values()][0]?.info.status).toBe('FINISHED');

    const root = tempDir('replay-none');
    const plain = await cli('run', 'conf/quickstart-analytic.yaml', 'train.epochs=1', '--outputs', join(root, 'outputs'));
    const plainDir = /run directory: (\S+)/.exec(plain.stdout)?.[1] as string;
    const refused = await cli('tracker', 'replay', plainDir);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/used tracker 'none', not mlflow; there is nothing to replay/);
  });
});
