import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LiveTorchReference } from '../../src/plugins/backends/torch/live-torch-reference.ts';
import { STAGES } from '../../src/parity/report.ts';
import { runParity } from '../../src/orchestrator/parity/run-parity.ts';
import { builtinPlugins } from '../../src/plugins/index.ts';

/**
 * Every shipped experiment, on every shipped backend, against the live PyTorch reference: one test per parity
 * case, named by its selector `<experiment>/<backend>/<stage>`, so
 *   npx vitest run tests/torch-parity -t 'gradients'          runs the gradient stage everywhere
 *   npx vitest run tests/torch-parity -t 'quickstart/tfjs/'    runs one experiment on one backend
 * Each test runs exactly its own case (a parity run with that selector); the test files share one torch process.
 * Without torch the suite is skipped, and the reason printed.
 */
const PINN_SMALL = ['adapter.params.points.interior=150', 'adapter.params.points.boundary=30', '++parity.trajectory_steps=5'];
const EXPERIMENTS: readonly { name: string; config: string; overrides?: readonly string[] }[] = [
  { name: 'quickstart', config: 'conf/quickstart.yaml' },
  { name: 'quickstart-analytic', config: 'conf/quickstart-analytic.yaml' },
  // Full-batch PINN with second derivatives: a 5-step trajectory keeps the suite fast (20 steps pass too).
  { name: 'elastic-pinn', config: 'conf/elastic_pinn.yaml', overrides: ['+parity={trajectory_steps:5}'] },
  // Ptychography: its config carries measured float32 tolerances (DFT sums of ~1e4 counts, see conf/ptycho.yaml).
  { name: 'ptycho', config: 'conf/ptycho.yaml', overrides: ['++parity.trajectory_steps=5'] },
  // Gridsize 2 (4 channels through the shared canvas). 10 steps: enough to fail with the naive float32 1 − β₂ᵗ Adam
  // had (adam.ts); tfjs's loss fails with a sequential float32 sum of its 16·16·16·4 terms (tfjs/kernels/reduce.ts).
  { name: 'ptycho-gridsize2', config: 'conf/ptycho.yaml', overrides: ['experiment.name=ptycho-gridsize2', 'adapter.params.gridsize=2', '++parity.trajectory_steps=10'] },
  // PINNs written as equations (specs/pinn.md), at small point counts: every derivative the equations name is
  // recomputed by torch.autograd. The full-size configs pass 14/14 too (README, "PINNs written as equations").
  { name: 'heat-pinn', config: 'conf/heat_pinn.yaml', overrides: [...PINN_SMALL, 'adapter.params.points.initial=30', 'adapter.params.test_grid={x: 12, t: 6}'] },
  { name: 'burgers-pinn', config: 'conf/burgers_pinn.yaml', overrides: [...PINN_SMALL, 'adapter.params.points.initial=30', 'adapter.params.test_grid={x: 16, t: 6}'] },
  { name: 'poisson2d-pinn', config: 'conf/poisson2d_pinn.yaml', overrides: [...PINN_SMALL, 'adapter.params.test_grid={x: 10, y: 10}'] },
];
const BACKENDS = ['onnxruntime', 'tfjs'];

const reference = new LiveTorchReference();
const skip = await reference.versions().then(
  () => undefined,
  (e: Error) => e.message,
);
if (skip) console.log(`[tests/torch-parity] skipping: the PyTorch reference is unavailable: ${skip}`);
const registered = new Set(builtinPlugins.filter((p) => p.kind === 'backend').map((p) => p.name));
const outputs = mkdtempSync(join(tmpdir(), 'tandem-torch-parity-'));

describe.skipIf(skip)('parity against the live PyTorch reference', () => {
  afterAll(() => reference.dispose());

  for (const { name, config, overrides = [] } of EXPERIMENTS) {
    for (const backend of BACKENDS) {
      // A shipped backend missing from the plugin list is a defect, not a reason to skip.
      if (!registered.has(backend)) {
        it(`${name}/${backend}/*`, () => {
          throw new Error(`backend "${backend}" is not registered in src/plugins/index.ts`);
        });
        continue;
      }
      for (const stage of STAGES) {
        const id = `${name}/${backend}/${stage}`;
        it(id, async () => {
          const { report } = await runParity({ configFile: config, overrides, builtins: builtinPlugins, outputsRoot: outputs, selectors: [id], reference });
          expect(report.cases.map((c) => c.id)).toEqual([id]);
          const [c] = report.cases;
          expect(c.verdict, `${c.reason ?? ''}\n${c.firstDivergence?.message ?? ''}`).toBe('pass');
          // A pass must rest on compared numbers, never on an empty comparison.
          expect(c.tensors.length).toBeGreaterThan(0);
          expect(c.tensors.every((t) => t.metrics !== undefined && t.verdict === 'pass')).toBe(true);
        }, 120_000);
      }
    }
  }
});
