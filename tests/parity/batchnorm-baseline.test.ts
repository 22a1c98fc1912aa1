import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runParity } from '../../src/orchestrator/parity/run-parity.ts';
import { builtinPlugins } from '../../src/plugins/index.ts';
import { openReference } from '../backends/torch/torch-available.ts';
import { cli } from '../cli/run-cli.ts';
import { writeBatchNormExperiment } from './batchnorm-fixture.ts';
import { MUTATIONS } from './mutations.ts';

/**
 * A model with buffers against a recorded baseline (specs/parity.md "Baselines"): torch's running statistics are
 * recorded with the step and trajectory states, so parity compares buffers without Python, and a wrong update
 * still fails at step, naming the buffer.
 */
const { ref, skip } = await openReference('tests/parity/batchnorm-baseline.test.ts');
await ref.dispose();
const root = mkdtempSync(join(tmpdir(), 'tandem-bn-baselines-'));
const outputs = mkdtempSync(join(tmpdir(), 'tandem-bn-parity-bl-'));
let experiment: Awaited<ReturnType<typeof writeBatchNormExperiment>> | undefined;

describe.skipIf(skip)('a BatchNorm training export against a recorded baseline', () => {
  beforeAll(async () => {
    experiment = await writeBatchNormExperiment();
    const r = await cli('baseline', 'record', experiment.config, '--name', 'bn', '--root', root);
    expect(r.code, r.stderr).toBe(0);
  }, 120_000);
  afterAll(() => experiment?.cleanup());

  const run = (side?: (typeof MUTATIONS)[number]['side']) =>
    runParity({
      configFile: experiment!.config,
      overrides: ['+parity.reference=baseline:bn'],
      builtins: builtinPlugins,
      outputsRoot: outputs,
      selectors: ['*/onnxruntime/{step,trajectory}'],
      baselinesRoot: root,
      ...(side ? { sides: { onnxruntime: side } } : {}),
    });

  it('passes step and trajectory with the buffers compared', async () => {
    const { report } = await run();
    for (const c of report.cases) {
      expect(c.verdict, c.reason).toBe('pass');
      expect(c.tensors.filter((t) => t.role === 'buffer').map((t) => t.name)).toEqual(['bn.running_mean', 'bn.running_var']);
    }
  }, 120_000);

  it('fails at step on a biased running variance, naming the buffer', async () => {
    const biased = MUTATIONS.find((m) => m.names === 'bn.running_var')!;
    const { report } = await run(biased.side);
    const step = report.cases.find((c) => c.stage === 'step')!;
    expect(step.verdict).toBe('fail');
    expect(step.reason).toContain('Buffers differ (bn.running_var)');
  }, 120_000);
});
