/**
 * Measures Darcy2D generation: `npx tsx scripts/bench-darcy.ts [samples] [resolution]` (default 1000 at 64²).
 * Prints wall time, per-sample time, CG iterations and the worst relative residual. Nothing is cached or written.
 */
import { generateDarcy } from '../src/physics/darcy/darcy-dataset.ts';

const samples = Number(process.argv[2] ?? 1000);
const resolution = Number(process.argv[3] ?? 64);
const start = performance.now();
const { stats, darcy } = generateDarcy(
  { resolution, n_train: samples, n_test: 0, seed: 0, permeability: { frequencies: 5, low: 0.5, high: 2, threshold: 0 }, source: 1, tolerance: 1e-8 },
  'bench-darcy',
);
const seconds = (performance.now() - start) / 1000;
let sum = 0;
for (const v of darcy) sum += v;
console.log(
  `Darcy2D: ${samples} samples at ${resolution}×${resolution} in ${seconds.toFixed(2)} s (${((1000 * seconds) / samples).toFixed(2)} ms/sample, node ${process.version}); ` +
    `CG iterations mean ${stats.meanIterations.toFixed(1)}, max ${stats.maxIterations}; worst relative residual ${stats.maxRelativeResidual.toExponential(2)} (tolerance 1e-8); mean u ${(sum / darcy.length).toExponential(4)}`,
);
