import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runParity } from '../../src/orchestrator/parity/run-parity.ts';
import { LiveTorchReference } from '../../src/plugins/backends/torch/live-torch-reference.ts';
import { STAGES } from '../../src/parity/report.ts';
import { builtinPlugins } from '../../src/plugins/index.ts';
import { Adam } from '../../src/train/optimizers/adam.ts';
import { scalarLike } from '../../src/train/optimizers/graph-optimizer.ts';
import { openReference } from '../backends/torch/torch-available.ts';
import { tinyAttentionModel, writeAttentionExperiment } from './attention-fixture.ts';
import { onnxModel } from './npz-experiment.ts';
import { exportTorchModels } from '../models/onnx/exported-models.ts';

/**
 * Multi-head attention with a packed in_proj bias (attention-fixture.ts): the key third of the bias has an
 * exactly-zero gradient, every engine computes rounding noise for it, and Adam turns that into ±lr steps in
 * arbitrary directions. Before the noise-level gradient rule the step and trajectory stages failed on
 * `att.in_proj.bias` on both backends (10/14), and the step message blamed "bias correction or eps placement"
 * while every slot matched. Now those 8 elements are reported and held to Adam's bound, everything else is
 * compared as always, and a real optimizer bug still fails on them.
 */
const { ref, skip } = await openReference('tests/parity/attention.test.ts');
await ref.dispose();
const reference = new LiveTorchReference();
const outputs = mkdtempSync(join(tmpdir(), 'tandem-parity-attention-'));
const config = writeAttentionExperiment({ steps: 5 });
const KEY_BIAS = 'att.in_proj.bias[8]–att.in_proj.bias[15]';
const exported = skip ? '' : (await exportTorchModels(join(import.meta.dirname, 'export_attention.py'))).dir;

describe.skipIf(skip)('attention: exactly-zero key-bias gradients (onnxruntime and tfjs vs live torch)', () => {
  afterAll(() => reference.dispose());

  it('passes 14/14, reporting the key bias as noise-level gradients held to Adam’s bound', async () => {
    const { report } = await runParity({ configFile: config, overrides: [], builtins: [...builtinPlugins, tinyAttentionModel], outputsRoot: outputs, selectors: [], reference });
    expect(report.cases.map((c) => c.id).sort()).toEqual(['onnxruntime', 'tfjs'].flatMap((b) => STAGES.map((s) => `attention/${b}/${s}`)).sort());
    for (const c of report.cases) expect(c.verdict, `${c.id}: ${c.reason ?? ''}`).toBe('pass');
    for (const c of report.cases.filter((x) => x.stage === 'step')) {
      expect(c.notes?.join('\n')).toContain(`8 elements judged as noise-level gradients`);
      expect(c.notes?.join('\n')).toContain(KEY_BIAS);
      const bias = c.tensors.find((t) => t.name === 'att.in_proj.bias')!;
      // Noise of ~1e-9 against Adam's eps 1e-8 moves these elements by ~lr/10 in arbitrary directions: far past
      // the step stage's atol 1e-5 when compared as values, well within the bound lr.
      expect(bias.noise).toMatchObject({ bound: 0.01, withinBound: true });
      expect(bias.noise!.largestUpdate).toBeGreaterThan(1e-4);
      expect(bias.noise!.elements).toEqual([8, 9, 10, 11, 12, 13, 14, 15].map((i) => [i]));
    }
  }, 120_000);

  it('without the arbiter the step fails on the key bias, and is not blamed on bias correction: every slot and the update rule match', async () => {
    const { report } = await runParity({ configFile: config, overrides: ['++parity.arbiter=false'], builtins: [...builtinPlugins, tinyAttentionModel], outputsRoot: outputs, selectors: ['*/onnxruntime/step'], reference });
    const [c] = report.cases;
    expect(c.verdict).toBe('fail');
    expect(c.reason).toContain('att.in_proj.bias');
    expect(c.reason).not.toContain('bias correction');
    expect(c.reason).toContain("the backend's update is what Adam computes from its own slots");
    expect(c.notes).toEqual(['no float64 arbiter: parity.arbiter is false']);
  }, 120_000);

  it('Adam without bias correction still fails the step, and is named as such', async () => {
    const noBiasCorrection = (s: { optimizer: unknown }) => new Adam('adam', (s.optimizer as Adam).options, (g, step) => ({ bc1: scalarLike(g, 1, step), bc2Sqrt: scalarLike(g, 1, step) }));
    const { report } = await runParity({
      configFile: config,
      overrides: [],
      builtins: [...builtinPlugins, tinyAttentionModel],
      outputsRoot: outputs,
      selectors: ['*/onnxruntime/step'],
      reference,
      sides: { onnxruntime: { spec: (s) => ({ ...s, optimizer: noBiasCorrection(s) }) } },
    });
    const [c] = report.cases;
    expect(c.verdict).toBe('fail');
    expect(c.reason).toContain('bias correction');
  }, 120_000);

  // Exported by torch.onnx.export (export_attention.py), loaded by the onnx model plugin: every in_proj_bias's key
  // third is reported and held to Adam's bound, everything else compared as always.
  it.each([
    ['mha', 'torch.nn.MultiheadAttention', ['att.in_proj_bias[8]–att.in_proj_bias[15]']],
    ['vit', 'a 2-block ViT (LayerNorm, GELU MLP, cls token)', ['blocks.0.att.in_proj_bias[16]–blocks.0.att.in_proj_bias[31]']],
  ])('%s: %s from torch.onnx.export passes 14/14', async (name, _what, noise) => {
    const mha = writeAttentionExperiment({ steps: 5, model: onnxModel(join(exported, `${name}.onnx`)) });
    const { report } = await runParity({ configFile: mha, overrides: [], builtins: builtinPlugins, outputsRoot: outputs, selectors: [], reference });
    expect(report.cases).toHaveLength(14);
    for (const c of report.cases) expect(c.verdict, `${c.id}: ${c.reason ?? ''}`).toBe('pass');
    const step = report.cases.find((c) => c.id === 'attention/onnxruntime/step')!;
    for (const n of noise) expect(step.notes?.join('\n')).toContain(n);
  }, 180_000);
});
