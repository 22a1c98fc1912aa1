import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runParity } from '../../../src/orchestrator/parity/run-parity.ts';
import { STAGES, type ParityReport } from '../../../src/parity/report.ts';
import { builtinPlugins } from '../../../src/plugins/index.ts';
import { ModuleTorchReference } from '../../../src/plugins/backends/torch/module-torch-reference.ts';
import { openReference } from '../../backends/torch/torch-available.ts';
import { writeModuleConfig, writeModuleExperiments } from './fixture.ts';

/**
 * parity.reference: torch-module:<file>:<factory> — the user's own nn.Module as the reference (ports.py). A
 * faithful port passes every stage; each slightly wrong port fails at the stage it breaks, naming the submodule;
 * and torch 1.13's wrong export of Conv1d(padding_mode='circular'), which graph-vs-graph parity passes, fails.
 */
const { ref: shared, skip } = await openReference('tests/parity/torch-module/module-reference.test.ts');
const dir = skip ? '' : await writeModuleExperiments();
const outputs = mkdtempSync(join(tmpdir(), 'tandem-torch-module-runs-'));

/** A parity run as `tandem parity` makes it, the reference opened from the config's parity section. */
async function parity(name: string, graph: string, section: string, selectors: string[] = []): Promise<ParityReport> {
  const configFile = writeModuleConfig(dir, name, graph, section);
  return (await runParity({ configFile, overrides: [], builtins: builtinPlugins, outputsRoot: outputs, selectors })).report;
}

/** The same with `factory` from ports.py as the reference, in this file's one Python process (a faster run). */
async function parityWith(factory: string, graph: string, selectors: string[], map?: string, modelParams?: string): Promise<ParityReport> {
  const configFile = writeModuleConfig(dir, factory, graph, `reference: 'torch-module:ports.py:${factory}'${map ? `, weights: { map: ${map} }` : ''}`, modelParams);
  const label = `torch-module:ports.py:${factory}`;
  const reference = new ModuleTorchReference({ file: join(dir, 'ports.py'), callable: factory, label, process: shared.process, ...(map ? { weightsMap: { path: join(dir, map), label: map } } : {}) });
  return (await runParity({ configFile, overrides: [], builtins: builtinPlugins, outputsRoot: outputs, selectors, reference })).report;
}

const verdicts = (r: ParityReport) => Object.fromEntries(r.cases.map((c) => [c.stage, c.verdict]));

describe.skipIf(skip)('the torch-module reference', () => {
  afterAll(() => shared.dispose());

  it('passes every stage for a faithful port, its weights paired with the graph by state_dict name', async () => {
    const report = await parity('faithful', 'block.onnx', "reference: 'torch-module:ports.py:build'");
    expect(report.reference).toMatchObject({ kind: 'live', name: 'torch-module:ports.py:build' });
    expect(verdicts(report)).toEqual(Object.fromEntries(STAGES.map((s) => [s, 'pass'])));
  }, 60_000);

  it("pairs an eval-mode export's onnx::MatMul_* initializers with the module's Linear weights by exact value (transposed)", async () => {
    const report = await parityWith('build_mlp', 'mlp.onnx', ['*/*/init', '*/*/forward', '*/*/gradients', '*/*/step']);
    expect(verdicts(report)).toEqual({ init: 'pass', forward: 'pass', gradients: 'pass', step: 'pass' });
    expect(report.cases[0].tensors.map((t) => t.name)).toEqual(expect.arrayContaining(['onnx::MatMul_12', 'onnx::MatMul_13']));
  }, 60_000);

  it("keeps a tensor the graph freezes frozen in the module too (the onnx plugin's freeze)", async () => {
    const report = await parityWith('build', 'block.onnx', ['*/*/gradients', '*/*/trajectory'], undefined, "freeze: ['head.bias']");
    expect(verdicts(report)).toEqual({ gradients: 'pass', trajectory: 'pass' });
    expect(report.cases[0].tensors.map((t) => t.name)).not.toContain('grad:head.bias');
  }, 60_000);

  it.each([
    ['a LayerNorm eps of 1e-6 instead of 1e-5', 'build_eps', 'norm', 'LayerNorm'],
    ["padding_mode='zeros' instead of 'circular'", 'build_zeros', 'conv', 'Conv1d'],
    ["GELU with approximate='tanh'", 'build_tanh_gelu', 'act', 'GELU'],
  ])('fails at forward for %s, naming the submodule', async (_what, factory, path, className) => {
    const report = await parityWith(factory, 'block.onnx', ['*/*/forward']);
    const [c] = report.cases;
    expect(c.verdict).toBe('fail');
    expect(c.firstDivergence?.submodule).toMatchObject({ path, className, output: { withinTolerance: false } });
    expect(c.firstDivergence?.message).toContain(`submodule "${path}" (${className}) is the first whose output leaves the tolerance`);
    // Every submodule before it matched: the port parts exactly there.
    if (path !== 'conv') expect(c.firstDivergence?.submodule?.inputs.every((i) => i.withinTolerance)).toBe(true);
  }, 60_000);

  it('names a nested submodule by its path (blocks.1.norm, exported as /blocks/blocks.1/norm/)', async () => {
    const ok = await parityWith('build_stack', 'stack.onnx', ['*/*/forward']);
    expect(ok.cases[0].verdict).toBe('pass');
    const report = await parityWith('build_stack_eps', 'stack.onnx', ['*/*/forward']);
    expect(report.cases[0].firstDivergence?.submodule).toMatchObject({ path: 'blocks.1.norm', className: 'LayerNorm', value: '/blocks/blocks.1/norm/LayerNormalization' });
    expect(report.cases[0].firstDivergence?.unmatchedSubmodules).toBeUndefined();
  }, 60_000);

  it('fails at forward on "head" when a map loads a Linear weight transposed', async () => {
    writeFileSync(join(dir, 'transposed-map.yaml'), 'tensors:\n  head.weight: { transpose: true }\n');
    const report = await parityWith('build', 'block.onnx', ['*/*/init', '*/*/forward'], 'transposed-map.yaml');
    expect(verdicts(report)).toEqual({ init: 'pass', forward: 'fail' });
    expect(report.cases[1].firstDivergence?.submodule).toMatchObject({ path: 'head', className: 'Linear' });
  }, 60_000);

  it("pairs a hand port's differently named layer through a map's rename rule", async () => {
    writeFileSync(join(dir, 'rename-map.yaml'), "rename:\n  - { pattern: '^head\\.', replacement: out. }\n");
    const report = await parityWith('build_renamed', 'block.onnx', ['*/*/init', '*/*/forward', '*/*/gradients'], 'rename-map.yaml');
    expect(verdicts(report)).toEqual({ init: 'pass', forward: 'pass', gradients: 'pass' });
  }, 60_000);

  it('lists a submodule the graph has no scope for, and says the difference lies there when every other one matches', async () => {
    // The port calls its last layer `out`; the export scoped it `/head/`. Loaded transposed, only `out` differs.
    writeFileSync(join(dir, 'renamed-transposed-map.yaml'), "rename:\n  - { pattern: '^head\\.', replacement: out. }\ntensors:\n  head.weight: { transpose: true }\n");
    const report = await parityWith('build_renamed', 'block.onnx', ['*/*/forward'], 'renamed-transposed-map.yaml');
    const fd = report.cases[0].firstDivergence!;
    expect(report.cases[0].verdict).toBe('fail');
    expect(fd.node).toBeNull();
    expect(fd.unmatchedSubmodules).toEqual(['out (Linear)']);
    expect(fd.message).toContain('all 3 submodule outputs with a matching graph value agree');
    expect(fd.message).toContain('no graph value matched out (Linear), so the difference lies there');
  }, 60_000);

  it("catches torch 1.13's wrong export of Conv1d(padding_mode='circular'), which graph-vs-graph parity passes", async () => {
    const graphReference = await parity('circular-torch', 'block_circular.onnx', 'reference: torch', ['*/*/forward']);
    expect(graphReference.cases[0].verdict).toBe('pass'); // the false pass: torch runs the same wrong graph
    const report = await parityWith('build', 'block_circular.onnx', ['*/*/forward']);
    const [c] = report.cases;
    expect(c.verdict).toBe('fail');
    expect(c.firstDivergence?.submodule).toMatchObject({ path: 'conv', className: 'Conv1d', inputs: [{ name: 'x', withinTolerance: true }] });
  }, 60_000);

  it('carries BatchNorm running statistics as buffers: a faithful port matches them after a step and a trajectory', async () => {
    const report = await parityWith('build_bn', 'bn.onnx', ['*/*/step', '*/*/trajectory']);
    expect(verdicts(report)).toEqual({ step: 'pass', trajectory: 'pass' });
    const buffers = report.cases[0].tensors.filter((t) => t.role === 'buffer').map((t) => t.name);
    expect(buffers.sort()).toEqual(['bn.running_mean', 'bn.running_var']);
  }, 60_000);

  it('catches a BatchNorm momentum of 0.01 instead of 0.1 at step, on the buffers, with forward and gradients passing', async () => {
    const report = await parityWith('build_bn_momentum', 'bn.onnx', ['*/*/forward', '*/*/gradients', '*/*/step']);
    expect(verdicts(report)).toEqual({ forward: 'pass', gradients: 'pass', step: 'fail' });
    const failed = report.cases[2].tensors.filter((t) => t.verdict === 'fail');
    expect(failed.map((t) => [t.name, t.role])).toEqual([
      ['bn.running_mean', 'buffer'],
      ['bn.running_var', 'buffer'],
    ]);
    expect(report.cases[2].reason).toContain('Buffers differ (bn.running_mean, bn.running_var)');
  }, 60_000);

  it('fails at gradients, forward passing, for a custom autograd.Function whose backward does not match its forward; the backward hooks name it', async () => {
    const report = await parityWith('build_wrong_backward', 'block.onnx', ['*/*/forward', '*/*/gradients']);
    expect(verdicts(report)).toEqual({ forward: 'pass', gradients: 'fail' });
    const fd = report.cases[1].firstDivergence!;
    expect(fd.kind).toBe('gradient');
    expect(fd.submodule).toMatchObject({ path: 'act', className: 'WrongBackwardGelu', output: { withinTolerance: true }, inputs: [{ withinTolerance: false }] });
  }, 60_000);
});
