// Training on Burgers windows streamed from disk (adapter `stream: true`, physics/burgers/window-stream.ts): the same
// run as the in-memory container's takes the same train batches, so its per-step loss trajectory is identical, while
// at most max_resident_sims simulations are ever decoded; validation read in batches agrees with the whole split.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SimulationWindows } from '../../src/physics/burgers/window-stream.ts';
import { burgersAdapter } from '../../src/plugins/adapters/burgers/burgers-adapter.ts';
import { ortBackend } from '../../src/plugins/backends/onnxruntime/ort-backend.ts';
import { convnetModel } from '../../src/plugins/models/convnet/convnet.ts';
import { silentProgress } from '../../src/train/progress.ts';
import { readStepLog, StepLog } from '../../src/train/step-log.ts';
import { RunReportWriter } from '../../src/reports/run-plots/run-report-writer.ts';
import { rolloutTermSchema } from '../../src/train/losses/rollout/rollout-term.ts';
import { TrainingRun } from '../../src/train/training-run.ts';

const root = mkdtempSync(join(tmpdir(), 'tandem-streaming-'));
const cache = join(root, 'cache');

async function train(stream: boolean) {
  const runDir = mkdtempSync(join(root, stream ? 'stream-' : 'memory-'));
  const params = { n_sims: 6, resolution: 16, steps: 6, rollout: 2, cache_dir: cache, max_resident_sims: 2, stream };
  // What the composition root adds to every run's receivers: steps.tsv and report.html.
  const [stepLog, reportWriter] = [new StepLog(join(runDir, 'steps.tsv')), new RunReportWriter(runDir)];
  const run = new TrainingRun({
    adapter: await burgersAdapter.create(burgersAdapter.params.parse(params)),
    model: await convnetModel.create(convnetModel.params.parse({ input: 'u', output: 'u_pred', layout: '(x, vector)', width: 4, depth: 1 })),
    backend: await ortBackend.create(ortBackend.params.parse({ threads: 1 })),
    runDir,
    experiment: 'streaming',
    seed: 0,
    progress: silentProgress,
    hooks: { onTrainStep: (s) => stepLog.onTrainStep(s), onReport: (r) => reportWriter.onReport(r) },
    train: {
      epochs: 2,
      batch_size: 4,
      optimizer: { name: 'adam', lr: 1e-3 },
      loss: { rollout: rolloutTermSchema.parse({ kind: 'rollout_mse', field: 'velocity', window: '(time, x, vector)', input: 'u', output: 'u_pred', horizon: 2 }) },
    },
  });
  const details = [await run.loadData(), await run.buildModel(), await run.train()];
  const { detail, results } = await run.evaluate();
  details.push(detail);
  return {
    details,
    view: results.container,
    steps: readStepLog(readFileSync(join(runDir, 'steps.tsv'), 'utf8')).map((r) => r.loss),
    results: JSON.parse(readFileSync(join(runDir, 'results.json'), 'utf8')),
    report: readFileSync(join(runDir, 'report.html'), 'utf8'),
    rollout: JSON.parse(readFileSync(join(runDir, 'rollout-metrics.json'), 'utf8')),
  };
}

describe('burgers streamed from disk (stream: true)', () => {
  it('trains on the same batches as the in-memory container with at most max_resident_sims decoded', async () => {
    const memory = await train(false);
    const stream = await train(true);
    // 6 sims, 25% held out → 4 train sims × 5 windows = 20 windows → 5 steps per epoch.
    expect(stream.steps).toHaveLength(10);
    expect(stream.steps).toEqual(memory.steps);
    expect(stream.results.data).toEqual(memory.results.data);
    const streamed = (stream.view as SimulationWindows).stats();
    expect(streamed.loads).toBeGreaterThan(6); // the LRU really evicted and re-read simulations
    expect(streamed.peakResident).toBeGreaterThan(0);
    expect(streamed.peakResident).toBeLessThanOrEqual(2);
    for (const split of ['train', 'validation']) {
      const [a, b] = [stream.results.final[split].loss, memory.results.final[split].loss];
      expect(Math.abs(a / b - 1), split).toBeLessThan(1e-5);
    }
    const [a, b] = [stream.results.history[1].validation.loss, memory.results.history[1].validation.loss];
    expect(Math.abs(a / b - 1)).toBeLessThan(1e-5);
    // The rollout evaluation reads the streamed test windows batch by batch (the last batch partial) and gives the
    // in-memory run's per-step errors and example rollout.
    expect(stream.details[3]).toMatch(/rollout on 10 test windows/);
    const [fromDisk, inMemory] = [stream.rollout, memory.rollout];
    expect(fromDisk.windows).toBe(10);
    expect(fromDisk.per_step.map((r: { step: number }) => r.step)).toEqual(inMemory.per_step.map((r: { step: number }) => r.step));
    for (const [i, row] of fromDisk.per_step.entries()) {
      for (const key of ['l2', 'l1', 'linf', 'rel_l2']) expect(Math.abs(row[key] / inMemory.per_step[i][key] - 1), `step ${row.step} ${key}`).toBeLessThan(1e-5);
    }
    for (const report of [stream.report, memory.report]) {
      expect(report).toContain('plots/streaming-loss.svg');
      expect(report).toContain('plots/streaming-rollout-errors.svg');
      expect(report).toContain('plots/streaming-example.svg');
    }
  }, 120_000);
});
