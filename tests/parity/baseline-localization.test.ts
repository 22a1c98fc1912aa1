import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { recordBaseline } from '../../src/orchestrator/parity/record-baseline.ts';
import { runParity } from '../../src/orchestrator/parity/run-parity.ts';
import type { ParityCase } from '../../src/parity/report.ts';
import type { SideOverride } from '../../src/parity/run-cases.ts';
import { builtinPlugins } from '../../src/plugins/index.ts';
import { openReference } from '../backends/torch/torch-available.ts';
import { tinyConvModel, writeConvExperiment } from './conv-fixture.ts';
import { MUTATIONS } from './mutations.ts';

/**
 * First-divergence localization against a RECORDED baseline (specs/parity.md "Baselines"): recording stores
 * what forward, loss and gradient localization ask torch, so the planted bugs of the mutation suite are named
 * at the right node with no torch process at parity time; a baseline without those values (an older tandem,
 * or a side whose graph is not the reference's) says why localization is unavailable.
 */
const { ref, skip } = await openReference('tests/parity/baseline-localization.test.ts');
await ref.dispose();
const root = mkdtempSync(join(tmpdir(), 'tandem-baselines-loc-'));
const outputs = mkdtempSync(join(tmpdir(), 'tandem-parity-loc-'));
const convConfig = writeConvExperiment();
const builtins = [...builtinPlugins, tinyConvModel];
const mutation = (name: string) => MUTATIONS.find((m) => m.name === name)!;

// A small elastic-wave PINN with tanh (second-order input derivatives of a tanh MLP).
const pinnOverrides = ['model.params.activation=tanh', 'model.params.hidden=[8,8]', 'adapter.params.points={interior:40,boundary:10,initial:10}', '+parity.trajectory_steps=2'];

async function parity(config: string, baseline: string, stages: string, side?: SideOverride, baselinesRoot = root): Promise<Record<string, ParityCase>> {
  const { report } = await runParity({
    configFile: config,
    overrides: [`+parity.reference=baseline:${baseline}`, ...(config === 'conf/elastic_pinn.yaml' ? pinnOverrides : [])],
    builtins,
    outputsRoot: outputs,
    selectors: [`*/onnxruntime/{${stages}}`],
    baselinesRoot,
    ...(side ? { sides: { onnxruntime: side } } : {}),
  });
  return Object.fromEntries(report.cases.map((c) => [c.stage, c]));
}

describe.skipIf(skip)('localization against a recorded baseline (no torch at parity time)', () => {
  beforeAll(async () => {
    for (const [configFile, name, overrides] of [['conf/quickstart.yaml', 'qs', []], [convConfig, 'conv', []], ['conf/elastic_pinn.yaml', 'pinn', pinnOverrides]] as const) {
      await recordBaseline({ configFile, overrides, builtins, name, dtype: 'float32', root });
    }
  }, 120_000);

  it('names the Tanh node of a wrong tanh gradient rule at the gradients stage', async () => {
    const cases = await parity('conf/quickstart.yaml', 'qs', 'forward,loss,gradients', mutation('tanh gradient rule uses 1 − y').side);
    expect([cases.forward.verdict, cases.loss.verdict, cases.gradients.verdict]).toEqual(['pass', 'pass', 'fail']);
    const fd = cases.gradients.firstDivergence!;
    expect(fd.node?.op, fd.message).toBe('Tanh');
    expect(fd.node?.severity).toBe('significant');
    expect(fd.message).toContain('the gradient rule of node');
  }, 60_000);

  it('names the Conv node of a transposed kernel layout at the forward stage', async () => {
    const cases = await parity(convConfig, 'conv', 'forward', mutation('conv kernel layout transposed (kh ↔ kw)').side);
    expect(cases.forward.verdict).toBe('fail');
    const node = cases.forward.firstDivergence!.node!;
    expect([node.op, ...(node.unmatchedInputs ?? []).map((u) => u.op)]).toContain('Conv');
  }, 60_000);

  it('localizes a wrong loss at the loss stage, and blames no gradient rule for the gradients it changes', async () => {
    const cases = await parity('conf/quickstart.yaml', 'qs', 'loss,gradients', mutation('mean loss without the 1/N').side);
    expect(cases.loss.verdict).toBe('fail');
    const node = cases.loss.firstDivergence!.node!;
    // As in the live mutation suite: the side's extra ReduceSum (no reference counterpart) feeds the first diverging node.
    expect([node.op, ...(node.unmatchedInputs ?? []).map((u) => u.op)], cases.loss.firstDivergence?.message).toContain('ReduceSum');
    // The loss already diverges, so the gradients inherit it: no rule is blamed (specs/parity.md "gradients").
    expect(cases.gradients.firstDivergence?.node).toBeNull();
    expect(cases.gradients.firstDivergence?.message).toMatch(/^the forward pass already diverges on this batch \(loss, loss:data outside tolerance/);
  }, 60_000);

  it('names the Tanh node of a wrong tanh rule on a PINN, whose input derivatives use it', async () => {
    const cases = await parity('conf/elastic_pinn.yaml', 'pinn', 'forward,loss,gradients', mutation('tanh gradient rule uses 1 − y').side);
    expect([cases.forward.verdict, cases.loss.verdict, cases.gradients.verdict]).toEqual(['pass', 'fail', 'fail']);
    // The derivatives are loss-graph values built by the rules: the loss stage sees them first and says so.
    expect(cases.loss.firstDivergence?.message).toContain('is an input derivative');
    // The recorded derivative values are compared, and the rule is named on the first-order derivative's graph.
    expect(cases.gradients.tensors.some((t) => t.role === 'derivative' && t.verdict === 'fail')).toBe(true);
    const fd = cases.gradients.firstDivergence!;
    expect(fd.node?.op, fd.message).toBe('Tanh');
    expect(fd.message).toContain('probing the graph of the first-order derivative');
  }, 60_000);

  it('says to re-record a baseline recorded by an older tandem (tandem.baseline/1), which still loads', async () => {
    const old = mkdtempSync(join(tmpdir(), 'tandem-baselines-old-'));
    cpSync(join(root, 'qs'), join(old, 'qs'), { recursive: true });
    const path = join(old, 'qs', 'manifest.json');
    const { localization: _dropped, ...manifest } = JSON.parse(readFileSync(path, 'utf8'));
    writeFileSync(path, JSON.stringify({ ...manifest, schema: 'tandem.baseline/1' }));
    const tanh = mutation('tanh gradient rule uses 1 − y').side;
    const cases = await parity('conf/quickstart.yaml', 'qs', 'init,gradients', tanh, old);
    expect(cases.init.verdict).toBe('pass');
    expect(cases.gradients.verdict).toBe('fail');
    expect(cases.gradients.firstDivergence?.message).toBe(
      'gradient localization unavailable: baseline "qs" was recorded by an older tandem (tandem.baseline/1) without the values localization needs; re-record the baseline to get localization (tandem baseline record … --name qs --force)',
    );
  }, 60_000);
});
