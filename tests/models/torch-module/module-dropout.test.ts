// spec: specs/torch-reference.md §9 "Dropout": against the module itself, a training-mode nn.Dropout(0.2) drops
// exactly tandem's mask each step, so every stage passes. The forward stage feeds step 1's masks (as the graph
// reference does), so a reference module with another p fails first at forward; one that ignores the mask
// (torch's own random dropout) fails forward and is refused in training mode; a Dropout off the graph's scope is
// refused at open.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { STAGES } from '../../../src/parity/report.ts';
import { openReference } from '../../backends/torch/torch-available.ts';
import { cli } from '../../cli/run-cli.ts';
import { rowsExperiment } from './rows-experiment.ts';

const { ref, skip } = await openReference('torch-module dropout');
await ref.dispose();
const dir = mkdtempSync(join(tmpdir(), 'tandem-torch-module-dropout-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const modules = join(import.meta.dirname, 'modules.py');

function config(name: string, reference: string): string {
  return rowsExperiment(dir, name, 'droppy', `{ trajectory_steps: 3, reference: 'torch-module:${modules}:${reference}' }`, 3);
}

type Report = { cases: { id: string; verdict: string; reason?: string }[] };

/** Each stage's verdict on onnxruntime. */
function verdicts(report: Report, name: string) {
  return (stage: string) => report.cases.find((c) => c.id === `${name}/onnxruntime/${stage}`)?.verdict;
}

async function parity(name: string, reference: string): Promise<Report> {
  const r = await cli('parity', config(name, reference), '--outputs', join(dir, 'outputs'), '--json');
  expect([0, 1], r.stderr).toContain(r.code);
  return JSON.parse(r.stdout) as Report;
}

describe.skipIf(!!skip)('torch-module: nn.Dropout against the module itself', () => {
  it('nn.Dropout(0.2) applies tandem\'s mask: every stage passes on onnxruntime and tfjs', async () => {
    const report = await parity('droppy', 'droppy');
    expect(report.cases.map((c) => c.id).sort()).toEqual(['onnxruntime', 'tfjs'].flatMap((b) => STAGES.map((s) => `droppy/${b}/${s}`)).sort());
    expect(report.cases.filter((c) => c.verdict !== 'pass')).toEqual([]);
  }, 90_000);

  it('a module with p=0.5 scales the kept elements differently: forward (fed step 1\'s mask) fails first, then gradients', async () => {
    const verdict = verdicts(await parity('other_p', 'droppy_other_p'), 'other_p');
    expect([verdict('init'), verdict('forward'), verdict('gradients')]).toEqual(['pass', 'fail', 'fail']);
  }, 90_000);

  it("a module ignoring the mask (torch's own random dropout) fails forward, and training-mode stages refuse it", async () => {
    const report = await parity('random', 'droppy_random');
    const verdict = verdicts(report, 'random');
    expect([verdict('init'), verdict('forward'), verdict('gradients')]).toEqual(['pass', 'fail', 'error']);
    expect(report.cases.find((c) => c.id === 'random/onnxruntime/gradients')!.reason).toMatch(/calls dropout\(p=0\.2\) in training mode outside its nn\.Dropout submodules/);
  }, 90_000);

  it('a module whose nn.Dropout is not under the graph\'s scope is refused at open, naming the mask and the Dropout', async () => {
    const r = await cli('parity', config('renamed', 'droppy_renamed'), '--outputs', join(dir, 'outputs'), '--json');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Dropout mask "\/drop\/Dropout\/mask" belongs to scope "drop", which is not a submodule of the module \(the module's nn\.Dropout submodules: "dropper"\)/);
  }, 90_000);
});
