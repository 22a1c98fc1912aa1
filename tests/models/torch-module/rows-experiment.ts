import { join } from 'node:path';
import { Rng } from '../../../src/data/rng.ts';
import { writeNpzExperiment } from '../../parity/npz-experiment.ts';

/**
 * The torch-module tests' experiment: 16 noise rows x [1, 8] → y [8], fitting `y_hat` of a `modules.py` factory
 * (as a torch-module model) in `dir`; `parity` is the `parity:` section. Returns the config path.
 */
export function rowsExperiment(dir: string, name: string, factory: string, parity: string, seed: number): string {
  const rng = new Rng(seed);
  const n = 16;
  const noise = (shape: number[]) => Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.uniform() * 2 - 1);
  const module = `${join(import.meta.dirname, 'modules.py')}:${factory}`;
  return writeNpzExperiment({
    name,
    dir,
    data: { x: { shape: [n, 1, 8], dims: ['batch', 'channel', 'x'], data: noise([n, 1, 8]) }, y: { shape: [n, 8], dims: ['batch', 'x'], data: noise([n, 8]) } },
    model: `{ name: torch-module, params: { module: ${module}, inputs: { x: x }, outputs: { y: y_hat } } }`,
    batchSize: 4,
    lr: 0.01,
    parity,
  });
}
