// spec: specs/torch-reference.md §9 "Dropout": against the module itself, a training-mode nn.Dropout(0.2) drops
// exactly tandem's mask each step, so every stage passes. The forward stage feeds step 1's masks (as the graph
// reference does), so a reference module with another p fails first at forward; one that ignores the mask
// (torch's own random dropout) fails forward and is refused in training mode; a Dropout off the graph's scope is
// refused at open.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeNpzFile } from '../../../src/data/npz.ts';
import { Rng } from '../../../src/data/rng.ts';
import { STAGES } from '../../../src/parity/report.ts';
import { openReference } from '../../backends/torch/torch-available.ts';
import { cli } from '../../cli/run-cli.ts';

const { ref, skip } = await openReference('torch-module dropout');
await ref.dispose();
const dir = mkdtempSync(join(tmpdir(), 'tandem-torch-module-dropout-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const modules = join(import.meta.dirname, 'modules.py');

function config(name: string, reference: string): string {
  const rng = new Rng(3);
  const n = 16;
  const noise = (shape: number[]) => Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.uniform() * 2 - 1);
  writeNpzFile(join(dir, 'rows.npz'), { x: { dtype: 'float32', shape: [n, 1, 8], data: noise([n, 1, 8]) }, y: { dtype: 'float32', shape: [n, 8], data: noise([n, 8]) } });
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, `
experiment: { name: ${name}, seed: 0 }
adapter:
  name: npz
  params:
    path: ${join(dir, 'rows.npz')}
    keys:
      x: { dtype: float32, dims: [batch, channel, x], shape: [n, 1, 8] }
      y: { dtype: float32, dims: [batch, x], shape: [n, 8] }
model:
  name: torch-module
  params: { module: ${modules}:droppy, inputs: { x: x }, outputs: { y: y_hat } }
backend: { name: onnxruntime }
train:
  epochs: 1
  batch_size: 4
  optimizer: { name: adam, lr: 0.01 }
  loss:
    data: { kind: mse, output: y_hat, target: y }
tracker: { name: none }
reporter: { name: json }
parity: { trajectory_steps: 3, reference: 'torch-module:${modules}:${reference}' }
`);
  return file;
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
