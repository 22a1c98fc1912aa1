import { afterAll, describe, expect, it } from 'vitest';
import { builtinPlugins } from '../../../src/plugins/index.ts';
import { TORCH_BACKEND_PRIORITY, torchBackend } from '../../../src/plugins/backends/torch/torch-backend.ts';
import { batches, regressionProgram } from './program-fixtures.ts';
import { openReference } from './torch-available.ts';

const { ref, skip } = await openReference('backend-plugin');
afterAll(() => ref.dispose());

describe('the torch backend plugin', () => {
  it('is registered, reference-only (negative priority), and says so', async () => {
    expect(builtinPlugins).toContain(torchBackend);
    expect(TORCH_BACKEND_PRIORITY).toBeLessThan(0);
    expect(torchBackend.description).toMatch(/reference only/i);
    const backend = await torchBackend.create(torchBackend.params.parse({}));
    expect(backend.effectiveSettings()).toMatchObject({ python: expect.any(String), dtype: 'float32', priority: -1, device: 'cpu' });
  });

  it('refuses a program built in another dtype, naming both', async () => {
    const backend = await torchBackend.create(torchBackend.params.parse({ dtype: 'float64' }));
    await expect(backend.compile(await regressionProgram('float32', { name: 'sgd', lr: 0.1 }))).rejects.toThrow(/configured for float64 but the program was built in float32/);
  });

  it.skipIf(!!skip)('compiles a program into a session that owns one python process, and disposing ends it', async () => {
    const backend = await torchBackend.create(torchBackend.params.parse({ dtype: 'float64' }));
    const program = await regressionProgram('float64', { name: 'adam', lr: 0.05 });
    const session = await backend.compile(program);
    const [batch] = batches(program, 1);
    const first = await session.step(batch, 0.05, 1);
    const second = await session.step(batch, 0.05, 2);
    expect(second.loss).toBeLessThan(first.loss);
    expect([...session.getState().keys()]).toEqual(program.stateNames);
    await session.dispose();
    await expect(session.evaluate(batch)).rejects.toThrow(/disposed/);
  });
});
