import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runExperiment } from '../../../src/orchestrator/run-experiment.ts';
import { builtinPlugins } from '../../../src/plugins/index.ts';

const repoRoot = join(import.meta.dirname, '..', '..', '..');

interface Results {
  history: { train: { loss: number }; validation: { loss: number } }[];
}

async function quickstart(overrides: string[]): Promise<{ results: Results; effective: Record<string, { name: string; settings: Record<string, unknown> }> }> {
  const outputsRoot = mkdtempSync(join(tmpdir(), 'tandem-tfjs-run-'));
  const { runDir, summary } = await runExperiment({ configFile: join(repoRoot, 'conf/quickstart.yaml'), overrides: ['train.epochs=3', ...overrides], builtins: builtinPlugins, outputsRoot });
  expect(summary.status).toBe('complete');
  return {
    results: JSON.parse(readFileSync(join(runDir, 'results.json'), 'utf8')) as Results,
    effective: JSON.parse(readFileSync(join(runDir, '.tandem', 'effective-settings.json'), 'utf8')),
  };
}

describe('backend=tfjs is the only change a user makes', () => {
  it('trains conf/quickstart.yaml on tfjs/wasm along the same loss curve as onnxruntime', async () => {
    const [tfjs, ort] = [await quickstart(['backend=tfjs']), await quickstart([])];
    expect(tfjs.effective.backend).toMatchObject({ name: 'tfjs', settings: { resolved: { backend: 'wasm' } } });
    expect(ort.effective.backend.name).toBe('onnxruntime');
    expect(tfjs.results.history).toHaveLength(3);
    // 36 Adam steps in float32 on two engines: the curves agree to a few float32 ulps per step, compounded.
    tfjs.results.history.forEach((epoch, k) => {
      expect(epoch.train.loss).toBeCloseTo(ort.results.history[k].train.loss, 5);
      expect(epoch.validation.loss).toBeCloseTo(ort.results.history[k].validation.loss, 5);
    });
    expect(tfjs.results.history[2].train.loss).toBeLessThan(tfjs.results.history[0].train.loss);
  });
});
