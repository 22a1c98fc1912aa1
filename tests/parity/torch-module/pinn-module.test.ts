import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LiveTorchReference } from '../../../src/plugins/backends/torch/live-torch-reference.ts';
import { ModuleTorchReference } from '../../../src/plugins/backends/torch/module-torch-reference.ts';
import { batches, pinnProgram } from '../../backends/torch/program-fixtures.ts';

/**
 * A PINN loss (u_xx + u_yy + u², second derivatives by autograd) over the user's module: the input derivatives
 * are torch.autograd through the module's own forward. tandem's MLP keeps its weights [in, out] under
 * `layers.<i>.weight`, nn.Sequential [out, in] under `<2i>.weight`: the map renames and transposes them.
 */
const graphReference = new LiveTorchReference();
const skip = await graphReference.versions().then(
  () => undefined,
  (e: Error) => e.message,
);
if (skip) console.log(`[tests/parity/torch-module/pinn-module.test.ts] skipping: ${skip}`);
const map = join(mkdtempSync(join(tmpdir(), 'tandem-pinn-module-')), 'mlp-map.yaml');
writeFileSync(
  map,
  "rename:\n  - { pattern: '^layers\\.0\\.', replacement: '0.' }\n  - { pattern: '^layers\\.1\\.', replacement: '2.' }\n  - { pattern: '^layers\\.2\\.', replacement: '4.' }\n" +
    'tensors: { layers.0.weight: { transpose: true }, layers.1.weight: { transpose: true }, layers.2.weight: { transpose: true } }\n',
);
const moduleReference = (callable: string) => new ModuleTorchReference({ file: join(import.meta.dirname, 'pinn_mlp.py'), callable, label: `torch-module:pinn_mlp.py:${callable}`, weightsMap: { path: map, label: 'mlp-map.yaml' } });

describe.skipIf(skip)('the torch-module reference on a PINN loss', () => {
  afterAll(() => graphReference.dispose());

  it('gives the loss, the gradients and a step of the graph reference, input derivatives by autograd through the module', async () => {
    const program = await pinnProgram('float32', { name: 'adam', lr: 1e-3 });
    const [batch] = batches(program, 1);
    const module = moduleReference('build');
    const [ours, theirs] = [await module.open(program, { scheduleInterval: 'epoch' }), await graphReference.open(program, { scheduleInterval: 'epoch' })];
    try {
      expect(await ours.evaluate(batch)).toEqual(await theirs.evaluate(batch));
      const [a, b] = [await ours.gradients(batch), await theirs.gradients(batch)];
      for (const [name, g] of b.grads) for (let i = 0; i < g.data.length; i++) expect(Math.abs(Number(a.grads.get(name)!.data[i]) - Number(g.data[i])), name).toBeLessThan(1e-6);
      expect((await ours.step(batch)).result.loss).toBe((await theirs.step(batch)).result.loss);
    } finally {
      await ours.dispose();
      await theirs.dispose();
      await module.dispose();
    }
  }, 60_000);

  it('differs in the PDE term for a port with the wrong activation', async () => {
    const program = await pinnProgram('float32', { name: 'adam', lr: 1e-3 });
    const [batch] = batches(program, 1);
    const module = moduleReference('build_sigmoid');
    const [ours, theirs] = [await module.open(program, { scheduleInterval: 'epoch' }), await graphReference.open(program, { scheduleInterval: 'epoch' })];
    try {
      const [a, b] = [await ours.evaluate(batch), await theirs.evaluate(batch)];
      expect(Math.abs(a.terms.pde - b.terms.pde) / b.terms.pde).toBeGreaterThan(1e-2);
    } finally {
      await ours.dispose();
      await theirs.dispose();
      await module.dispose();
    }
  }, 60_000);
});
