// spec: specs/models.md §3.1 "Parameters are the module's named_parameters()" and "BatchNorm and Dropout":
// `tandem parity` against the module itself passes every stage for a weight the module shares (one parameter,
// torch.autograd summing its gradient over both uses) beside two equal zero biases (two parameters), and for a
// training-mode BatchNorm (running statistics as buffers, updated by each step, compared in step and trajectory).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { STAGES } from '../../../src/parity/report.ts';
import { openReference } from '../../backends/torch/torch-available.ts';
import { cli } from '../../cli/run-cli.ts';
import { rowsExperiment } from './rows-experiment.ts';

const { ref, skip } = await openReference('torch-module shared weights');
await ref.dispose();
const dir = mkdtempSync(join(tmpdir(), 'tandem-torch-module-shared-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function config(factory: string): string {
  return rowsExperiment(dir, factory, factory, '{ trajectory_steps: 3 }', 5);
}

describe.skipIf(!!skip)('torch-module: parity against the module itself', () => {
  for (const [factory, what] of [
    ['good', 'a shared weight and two equal zero biases'],
    ['normed', 'BatchNorm in training mode, its running statistics as buffers'],
  ]) {
    it(`${what}: every stage passes on onnxruntime and tfjs`, async () => {
      const r = await cli('parity', config(factory), '--outputs', join(dir, 'outputs'), '--json');
      expect(r.code, r.stderr).toBe(0);
      const report = JSON.parse(r.stdout) as { reference: { name: string }; cases: { id: string; verdict: string; tensors: { name: string }[] }[] };
      expect(report.reference.name).toMatch(new RegExp(`^torch-module:.*modules\\.py:${factory}$`));
      expect(report.cases.map((c) => c.id).sort()).toEqual(['onnxruntime', 'tfjs'].flatMap((b) => STAGES.map((s) => `${factory}/${b}/${s}`)).sort());
      expect(report.cases.filter((c) => c.verdict !== 'pass')).toEqual([]);
      if (factory === 'normed') {
        const step = report.cases.find((c) => c.id === `${factory}/onnxruntime/step`)!;
        expect(step.tensors.map((t) => t.name)).toEqual(expect.arrayContaining([expect.stringMatching(/bn\.running_mean/), expect.stringMatching(/bn\.running_var/)]));
      }
    }, 90_000);
  }
});
