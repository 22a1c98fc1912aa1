import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseParityReport } from '../../src/parity/report.ts';
import { runParity } from '../../src/orchestrator/parity/run-parity.ts';
import { builtinPlugins } from '../../src/plugins/index.ts';
import { openReference } from '../backends/torch/torch-available.ts';
import { cli } from '../cli/run-cli.ts';
import { MUTATIONS } from './mutations.ts';

/**
 * Recorded baselines: record once from live torch, then compare without it; a baseline whose config, graph or
 * data changed is refused with what changed (specs/parity.md "Baselines").
 */
const { ref, skip } = await openReference('tests/parity/baseline.test.ts');
await ref.dispose();
const root = mkdtempSync(join(tmpdir(), 'tandem-baselines-'));
const outputs = mkdtempSync(join(tmpdir(), 'tandem-parity-bl-'));
const useBaseline = '+parity={reference:"baseline:qs",trajectory_steps:5}';

describe.skipIf(skip)('tandem baseline record, and parity against it', () => {
  beforeAll(async () => {
    const r = await cli('baseline', 'record', 'conf/quickstart.yaml', '+parity={trajectory_steps:5}', '--name', 'qs', '--root', root);
    expect(r.code, r.stderr).toBe(0);
  }, 120_000);

  it('writes a manifest with the hashes and versions, and refuses to overwrite without --force', async () => {
    const manifest = JSON.parse(readFileSync(join(root, 'qs', 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ schema: 'tandem.baseline/3', name: 'qs', dtype: 'float32', trajectorySteps: 5, batchSize: 16 });
    // The eval stage's answer for every batch of 16 of each split, as the stage asks them (not one per split).
    expect(Object.keys(manifest.eval).length).toBeGreaterThan(2);
    // The loss graph's values and torch's adjoints at every probe: what loss and gradient localization ask.
    expect(manifest.localization).toHaveLength(2);
    expect(manifest.versions.torch).toMatch(/^1\./);
    expect(manifest.trajectory).toHaveLength(5);
    const again = await cli('baseline', 'record', 'conf/quickstart.yaml', '--name', 'qs', '--root', root);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already exists');
  });

  it('serves as the reference: every stage passes on both backends, and the report says recorded', async () => {
    const r = await cli('parity', 'conf/quickstart.yaml', useBaseline, '--baselines', root, '--outputs', outputs);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const report = parseParityReport(readFileSync(/report: (.*)/.exec(r.stdout)![1], 'utf8'));
    expect(report.reference).toMatchObject({ kind: 'recorded', name: 'qs', baseline: { path: join(root, 'qs') } });
    expect(report.cases).toHaveLength(14);
  }, 120_000);

  it('still catches and localizes a planted bug without torch, and localizes forward divergences from the recorded intermediates', async () => {
    const tanh = MUTATIONS.find((m) => m.expected === 'gradients')!;
    const { report } = await runParity({ configFile: 'conf/quickstart.yaml', overrides: [useBaseline], builtins: builtinPlugins, outputsRoot: outputs, selectors: ['*/onnxruntime/*'], baselinesRoot: root, sides: { onnxruntime: tanh.side } });
    const verdicts = Object.fromEntries(report.cases.map((c) => [c.stage, c.verdict]));
    expect(verdicts).toMatchObject({ init: 'pass', forward: 'pass', loss: 'pass', gradients: 'fail' });
    // torch's adjoints at the probes were recorded with the baseline (baseline-localization.test.ts has more).
    expect(report.cases.find((c) => c.stage === 'gradients')?.firstDivergence?.node?.op).toBe('Tanh');

    // Zero forward tolerance: float32 rounding fails, and the recorded intermediates still name the first node.
    const strict = '+parity={reference:"baseline:qs",trajectory_steps:5,tolerances:{forward:{float32:{rtol:0,atol:0}}}}';
    const exact = await runParity({ configFile: 'conf/quickstart.yaml', overrides: [strict], builtins: builtinPlugins, outputsRoot: outputs, selectors: ['*/onnxruntime/forward'], baselinesRoot: root });
    const [forward] = exact.report.cases;
    expect(forward.verdict).toBe('fail');
    expect(forward.firstDivergence?.node?.upstream.every((u) => u.withinTolerance)).toBe(true);
    expect(forward.firstDivergence?.method).toContain('onnxruntime Session.forward(extraOutputs)');
  }, 120_000);

  it('refuses the eval answers of a baseline recorded before eval went batch by batch (tandem.baseline/2)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tandem-baselines-'));
    cpSync(join(root, 'qs'), join(dir, 'qs'), { recursive: true });
    const manifestPath = join(dir, 'qs', 'manifest.json');
    writeFileSync(manifestPath, readFileSync(manifestPath, 'utf8').replace('"tandem.baseline/3"', '"tandem.baseline/2"'));
    const { report } = await runParity({ configFile: 'conf/quickstart.yaml', overrides: [useBaseline], builtins: builtinPlugins, outputsRoot: outputs, selectors: ['*/onnxruntime/{step,eval}'], baselinesRoot: dir });
    const [step, evaluation] = report.cases;
    // The other stages' recordings are unchanged in meaning and still served.
    expect(step.verdict).toBe('pass');
    expect(evaluation.verdict).toBe('error');
    expect(evaluation.reason).toContain('is tandem.baseline/2: it recorded the eval stage on each whole split as one batch');
    expect(evaluation.reason).toContain('--name qs --force');
  }, 120_000);

  it('is refused when the config changed, naming the changed key', async () => {
    const r = await cli('parity', 'conf/quickstart.yaml', useBaseline, 'train.optimizer.lr=0.02', '--baselines', root, '--outputs', outputs);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('baseline "qs" was recorded from a different config');
    expect(r.stderr).toContain('train.optimizer.lr: 0.01 → 0.02');
  }, 60_000);

  it('is refused when the loss graph changed, naming the first changed node', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tandem-baselines-'));
    expect((await cli('baseline', 'record', 'conf/quickstart.yaml', '+parity={trajectory_steps:5}', '--name', 'qs', '--root', dir)).code).toBe(0);
    // Simulate a model-code change: the recording says the graph had a Sigmoid where the code now builds a Tanh.
    const manifestPath = join(dir, 'qs', 'manifest.json');
    writeFileSync(manifestPath, readFileSync(manifestPath, 'utf8').replace(/"graphHash": "[0-9a-f]+"/, '"graphHash": "0000"'));
    const graphPath = join(dir, 'qs', 'graph.txt');
    writeFileSync(graphPath, readFileSync(graphPath, 'utf8').replace('Tanh_0 Tanh(', 'Tanh_0 Sigmoid('));
    const r = await cli('parity', 'conf/quickstart.yaml', useBaseline, '--select', '*/onnxruntime/forward', '--baselines', dir, '--outputs', outputs);
    expect(r.code, r.stdout).toBe(2);
    expect(r.stderr).toContain('the loss graph changed since it was recorded');
    expect(r.stderr).toContain('first changed node: recorded "Tanh_0 Sigmoid(');
  }, 120_000);
});
