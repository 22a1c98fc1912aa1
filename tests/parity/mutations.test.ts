import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LiveTorchReference } from '../../src/plugins/backends/torch/live-torch-reference.ts';
import { STAGES, type ParityReport } from '../../src/parity/report.ts';
import { runParity } from '../../src/orchestrator/parity/run-parity.ts';
import { builtinPlugins } from '../../src/plugins/index.ts';
import { openReference } from '../backends/torch/torch-available.ts';
import { writeBatchNormExperiment } from './batchnorm-fixture.ts';
import { tinyConvModel, writeConvExperiment } from './conv-fixture.ts';
import { MUTATIONS, type Mutation } from './mutations.ts';

/**
 * The mutation suite (specs/parity.md "Mutation suite"): each known bug, planted on the onnxruntime side, must be
 * caught by the RIGHT stage (the first failing one in pipeline order) with a fail verdict, and the unmutated
 * experiment must pass every stage, so the failures are the bugs' doing. The reference is live torch.
 */
const { ref, skip } = await openReference('tests/parity/mutations.test.ts');
await ref.dispose();
// One torch process for every run in this file (runParity leaves an injected reference open).
const reference = new LiveTorchReference();

const outputs = mkdtempSync(join(tmpdir(), 'tandem-parity-mut-'));
const convConfig = writeConvExperiment();
const batchNorm = skip ? undefined : await writeBatchNormExperiment();
const rows: string[][] = [];
// Every stage up to trajectory: eval repeats the trajectory's end state and adds nothing to detection.
const selector = '*/onnxruntime/{init,forward,loss,gradients,step,trajectory}';

async function parity(config: Mutation['config'], overrides: readonly string[], side?: Mutation['side']): Promise<ParityReport> {
  const { report } = await runParity({
    configFile: config === 'conv' ? convConfig : config === 'batchnorm' ? batchNorm!.config : 'conf/quickstart.yaml',
    overrides,
    builtins: [...builtinPlugins, tinyConvModel],
    outputsRoot: outputs,
    selectors: [selector],
    reference,
    ...(side ? { sides: { onnxruntime: side } } : {}),
  });
  return report;
}

const firstFailing = (r: ParityReport) => STAGES.map((s) => r.cases.find((c) => c.stage === s)).find((c) => c && c.verdict !== 'pass');

describe.skipIf(skip)('parity mutation suite (onnxruntime vs live torch)', () => {
  afterAll(async () => {
    await reference.dispose();
    batchNorm?.cleanup();
    const header = ['mutation', 'expected stage', 'caught at', 'verdict', 'first divergence'];
    const widths = header.map((_, i) => Math.max(...[header, ...rows].map((r) => r[i].length)));
    const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join(' | ');
    console.log(`\nmutation detection table\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('-|-')}\n${rows.map(line).join('\n')}\n`);
  });

  it.each(['quickstart', 'conv', 'batchnorm'] as const)('the unmutated %s experiment passes every stage (control)', async (config) => {
    const report = await parity(config, []);
    expect(report.cases.map((c) => `${c.stage}:${c.verdict}`)).toEqual(['init', 'forward', 'loss', 'gradients', 'step', 'trajectory'].map((s) => `${s}:pass`));
    rows.push([`none (${config} control)`, '-', '-', 'all pass', '-']);
  }, 120_000);

  it.each(MUTATIONS.map((m) => [m.name, m] as const))('%s is caught', async (_name, m) => {
    const report = await parity(m.config, m.overrides ?? [], m.side);
    const first = firstFailing(report);
    const node = first?.firstDivergence?.node;
    const suspect = node?.unmatchedInputs?.map((u) => ` ← ${u.op} "${u.producer}" (not in the reference graph)`).join('') ?? '';
    const stepNote = first?.stage === 'step' ? (first.reason?.split('. ')[1]?.split(',')[0] ?? '-') : '-';
    const where = node ? `${node.op} "${node.name}"${suspect}` : first?.trajectory ? `step ${first.trajectory.firstDivergentStep}` : stepNote;
    rows.push([m.name, m.expected, first?.stage ?? 'NOT CAUGHT', first?.verdict ?? 'pass', where]);
    expect(first?.stage, first?.reason).toBe(m.expected);
    expect(first?.verdict, first?.reason).toBe('fail');
    // Judged through the float64 arbiter: float64 agrees with torch and not with the mutated side.
    expect(first?.tensors.some((t) => t.arbiter?.verdict === 'further-than-reference') || first?.trajectory?.firstDivergentStep, first?.reason).toBeTruthy();
    if (m.note) expect(first?.notes?.join('\n')).toContain(m.note);
    if (m.names) expect(first?.reason).toContain(m.names);
    if (m.blames) expect([node?.op, ...(node?.unmatchedInputs ?? []).map((u) => u.op)]).toContain(m.blames);
    // A planted bug is never mistaken for rounding.
    if (node && !node.unmatchedInputs) expect(node.severity).toBe('significant');
  }, 120_000);

  it('a gradients stage whose forward already diverges blames no gradient rule', async () => {
    const m = MUTATIONS.find((x) => x.expected === 'forward' && x.config === 'quickstart')!;
    const { report } = await runParity({ configFile: 'conf/quickstart.yaml', overrides: [], builtins: builtinPlugins, outputsRoot: outputs, selectors: ['*/onnxruntime/gradients'], reference, sides: { onnxruntime: m.side } });
    const [c] = report.cases;
    expect(c.verdict).toBe('fail');
    expect(c.firstDivergence?.node).toBeNull();
    expect(c.firstDivergence?.message).toContain('the forward pass already diverges on this batch (y_hat');
  }, 120_000);
});
