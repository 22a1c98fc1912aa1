import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG, createTracker, makeRun, tempDir } from './tracker-harness.ts';

// spec: specs/tracking.md §2 (folder store), checked against docs/reference/ecosystem.md §1.2–1.6.

interface ReadBack {
  experiments: { dir: string; meta: Record<string, unknown>; runs: RunBack[] }[];
  problems: { file: string; expected: unknown; actual: unknown }[];
  trash: boolean;
}
interface RunBack {
  dir: string;
  meta: Record<string, unknown>;
  params: Record<string, string>;
  tags: Record<string, string>;
  metrics: Record<string, { timestamp: number; value: number | string; step: number }[]>;
  artifacts: string[];
  subdirs: string[];
}

/** The store as MLflow's FileStore reads it (tests/trackers/mlruns_reader.py, with PyYAML). */
function readStore(root: string): ReadBack {
  const out = execFileSync('/usr/bin/python3', [join(import.meta.dirname, 'mlruns_reader.py'), root], { encoding: 'utf8' });
  return JSON.parse(out) as ReadBack;
}

async function trainedRun(status: 'complete' | 'partial' | 'failed' = 'complete') {
  const root = tempDir('mlruns');
  const run = makeRun(root, { initiative: 'pinn-heat', phase: 'p2' });
  const store = join(root, 'mlruns');
  const tracker = await createTracker({ tracking_uri: `file:${store}`, tags: { owner: 'lab' } });
  const started = Date.now();
  await tracker.onRunStart(run.start);
  for (let step = 0; step < 4; step++) {
    await tracker.logMetrics({ 'train/loss': 1 / (step + 1), 'train/loss:data': 1e-5 * step, 'train/loss:pde': step === 3 ? Number.NaN : 2 ** step, lr: 0.003 }, step);
  }
  await tracker.onStageEnd({ stage: 'train', status: 'done', detail: '4 epochs', seconds: 1.5 });
  await tracker.onRunEnd(run.summary(status, status === 'failed' ? 'stage train: loss became NaN' : undefined));
  return { root, store, run, started, tracker };
}

describe('mlflow tracker, folder store', () => {
  it('writes meta.yaml files byte-identical to PyYAML SafeDumper output, with MLflow\'s keys and types', async () => {
    const { store, started } = await trainedRun();
    const back = readStore(store);
    expect(back.problems).toEqual([]);
    expect(back.trash).toBe(true);
    const [defaultExp, exp] = [back.experiments.find((e) => e.dir === '0'), back.experiments.find((e) => e.dir !== '0')];
    expect(defaultExp?.meta).toMatchObject({ experiment_id: '0', name: 'Default', lifecycle_stage: 'active', artifact_location: `file://${store}/0` });
    expect(exp?.dir).toMatch(/^[1-9]\d{17}$/);
    expect(Object.keys(exp?.meta ?? {})).toEqual(['artifact_location', 'creation_time', 'experiment_id', 'last_update_time', 'lifecycle_stage', 'name']);
    expect(exp?.meta).toMatchObject({ experiment_id: exp?.dir, name: 'heat-pinn', artifact_location: `file://${store}/${exp?.dir}` });
    const run = exp?.runs[0] as RunBack;
    expect(exp?.runs).toHaveLength(1);
    expect(run.dir).toMatch(/^[0-9a-f]{32}$/);
    expect(Object.keys(run.meta)).toEqual([
      'artifact_uri', 'deleted_time', 'end_time', 'entry_point_name', 'experiment_id', 'lifecycle_stage', 'run_id', 'run_name',
      'run_uuid', 'source_name', 'source_type', 'source_version', 'start_time', 'status', 'tags', 'user_id',
    ]);
    expect(run.meta).toMatchObject({
      artifact_uri: `file://${store}/${exp?.dir}/${run.dir}/artifacts`,
      deleted_time: null,
      entry_point_name: '',
      experiment_id: exp?.dir,
      lifecycle_stage: 'active',
      run_id: run.dir,
      run_uuid: run.dir,
      run_name: '2026-11-23_04-05-06',
      source_type: 4,
      status: 3, // FINISHED
      tags: [],
    });
    expect(run.meta.start_time as number).toBeGreaterThanOrEqual(started);
    expect(run.meta.end_time as number).toBeGreaterThanOrEqual(run.meta.start_time as number);
    expect(run.subdirs).toEqual(['artifacts', 'meta.yaml', 'metrics', 'params', 'tags']);
  });

  it('logs every metric per step, loss terms included, as "<ts> <python float> <step>" lines under nested key folders', async () => {
    const { store, started, run: harness } = await trainedRun();
    const run = readStore(store).experiments.find((e) => e.dir !== '0')?.runs[0] as RunBack;
    expect(Object.keys(run.metrics).sort()).toEqual(['lr', 'train/loss', 'train/loss:data', 'train/loss:pde']);
    expect(run.metrics['train/loss:pde']?.map((p) => [p.step, p.value])).toEqual([[0, 1], [1, 2], [2, 4], [3, 'nan']]);
    expect(run.metrics['train/loss']?.map((p) => p.value)).toEqual([1, 0.5, 1 / 3, 0.25]);
    for (const points of Object.values(run.metrics)) for (const p of points) expect(p.timestamp).toBeGreaterThanOrEqual(started);
    // The raw text, as Python's str(float) writes it.
    const exp = readStore(store).experiments.find((e) => e.dir !== '0')?.dir as string;
    const raw = readFileSync(join(store, exp, run.dir, 'metrics', 'train', 'loss:data'), 'utf8');
    expect(raw.split('\n').map((l) => l.split(' ').slice(1).join(' '))).toEqual(['0.0 0', '1e-05 1', '2e-05 2', '3.0000000000000004e-05 3', '']);
    expect(harness.runDir).toBeTruthy();
  });

  it('logs the resolved config as dotted params, and the run tags MLflow and tandem define', async () => {
    const { store, run: harness } = await trainedRun();
    const run = readStore(store).experiments.find((e) => e.dir !== '0')?.runs[0] as RunBack;
    expect(run.params).toEqual({
      'experiment.name': 'heat-pinn',
      'experiment.seed': '0',
      'backend.name': 'onnxruntime',
      'backend.params.threads': '1',
      'model.name': 'mlp',
      'model.params.hidden': '[32,32]',
      'model.params.activation': 'tanh',
      'train.epochs': '3',
      'train.optimizer.name': 'adam',
      'train.optimizer.lr': '0.003',
      'train.early_stop': '',
    });
    expect(run.tags).toMatchObject({
      'mlflow.runName': '2026-11-23_04-05-06',
      'mlflow.source.type': 'LOCAL',
      'tandem.backend': CONFIG.backend.name,
      'tandem.config_hash': harness.start.configHash,
      'tandem.run_dir': harness.runDir,
      'tandem.status': 'complete',
      'tandem.stage.train': 'done in 1.5 s: 4 epochs',
      initiative: 'pinn-heat',
      phase: 'p2',
      owner: 'lab',
    });
    expect(run.tags['mlflow.source.git.commit']).toMatch(/^[0-9a-f]{40}$/);
    expect(run.tags['mlflow.user']).toBeTruthy();
    for (const value of Object.values(run.tags)) expect(value.endsWith('\n')).toBe(false);
    expect(run.artifacts).toEqual(['config.yaml']);
  });

  it('marks a failed run FAILED (status 4) with the error as a tag, and a partial one FINISHED', async () => {
    const failed = readStore((await trainedRun('failed')).store).experiments.find((e) => e.dir !== '0')?.runs[0] as RunBack;
    expect(failed.meta.status).toBe(4);
    expect(failed.tags['tandem.error']).toBe('stage train: loss became NaN');
    const partial = readStore((await trainedRun('partial')).store).experiments.find((e) => e.dir !== '0')?.runs[0] as RunBack;
    expect([partial.meta.status, partial.tags['tandem.status']]).toEqual([3, 'partial']);
  });

  it('finds an existing experiment by name instead of creating a second one', async () => {
    const root = tempDir('mlruns-reuse');
    const store = join(root, 'mlruns');
    for (let i = 0; i < 2; i++) {
      const run = makeRun(join(root, String(i)));
      const tracker = await createTracker({ tracking_uri: `file:${store}` });
      await tracker.onRunStart(run.start);
      await tracker.onRunEnd(run.summary('complete'));
    }
    const back = readStore(store);
    expect(back.experiments.map((e) => [e.meta.name, e.runs.length])).toEqual(expect.arrayContaining([['Default', 0], ['heat-pinn', 2]]));
    expect(back.experiments).toHaveLength(2);
  });

  it('quotes YAML 1.1 look-alikes so MLflow reads an experiment named "yes" or "1e3" back as a string', async () => {
    for (const name of ['yes', '1e3', 'on', 'null']) {
      const root = tempDir('mlruns-quote');
      const run = makeRun(root);
      const tracker = await createTracker({ tracking_uri: `file:${join(root, 'mlruns')}`, experiment: name });
      await tracker.onRunStart(run.start);
      await tracker.onRunEnd(run.summary('complete'));
      const back = readStore(join(root, 'mlruns'));
      expect(back.problems).toEqual([]);
      expect(back.experiments.map((e) => e.meta.name)).toContain(name);
    }
  });

  it('refuses an experiment that exists in deleted state, saying how to restore it', async () => {
    const { store } = await trainedRun();
    const exp = readStore(store).experiments.find((e) => e.dir !== '0')?.dir as string;
    execFileSync('mv', [join(store, exp), join(store, '.trash', exp)]);
    const run = makeRun(tempDir('mlruns-deleted'));
    const tracker = await createTracker({ tracking_uri: `file:${store}` });
    await expect(tracker.onRunStart(run.start)).rejects.toThrow(/"heat-pinn" exists in deleted state .*\.trash.*restore/s);
  });

  it('says which folder cannot be written when the store is not writable', async () => {
    const root = tempDir('mlruns-blocked');
    writeFileSync(join(root, 'not-a-folder'), '');
    const run = makeRun(root);
    const tracker = await createTracker({ tracking_uri: `file:${join(root, 'not-a-folder', 'mlruns')}` });
    await expect(tracker.onRunStart(run.start)).rejects.toThrow(/Cannot write the MLflow folder store at .*not-a-folder\/mlruns \(ENOTDIR\)\. Point tracker\.params\.tracking_uri/);
  });

  it('rejects metric names MLflow would refuse, naming the metric', async () => {
    const root = tempDir('mlruns-names');
    const run = makeRun(root);
    const tracker = await createTracker({ tracking_uri: `file:${join(root, 'mlruns')}` });
    await tracker.onRunStart(run.start);
    await expect(tracker.logMetrics({ 'metrics/mAP50-95(B)': 1 }, 0)).rejects.toThrow(/metric name "metrics\/mAP50-95\(B\)".*alphanumerics/);
    await expect(tracker.logMetrics({ 'train//loss': 1 }, 0)).rejects.toThrow(/"train\/\/loss".*clean relative path/);
    await expect(tracker.logMetrics({ loss: 1 }, 0.5)).rejects.toThrow(/step 0\.5; MLflow steps are integers/);
    await tracker.onRunEnd(run.summary('complete'));
  });
});

describe('mlflow tracker, folder store, bad tags', () => {
  it('refuses an invalid tag before creating the run, so no RUNNING run is left behind', async () => {
    const root = tempDir('mlruns-badtag');
    const store = join(root, 'mlruns');
    const tracker = await createTracker({ tracking_uri: `file:${store}`, tags: { 'owner(s)': 'lab' } });
    await expect(tracker.onRunStart(makeRun(root).start)).rejects.toThrow(/tag name "owner\(s\)"/);
    expect(execFileSync('find', [root, '-name', 'meta.yaml'], { encoding: 'utf8' })).toBe('');
  });
});
