import { execa } from 'execa';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grad } from '../../src/autodiff/vjp.ts';
import { rngFor } from '../../src/data/rng.ts';
import { GraphBuilder } from '../../src/graph/builder.ts';
import { sizeOf, tensor, type Shape } from '../../src/graph/tensor.ts';
import { runOnOrt } from '../../src/plugins/backends/onnxruntime/ort-run.ts';
import { execute } from '../../src/plugins/backends/tfjs/interpreter.ts';
import { activateTfjs } from '../../src/plugins/backends/tfjs/runtime.ts';
import { selfConjugateModes, spectralConv, type SpectralTransform } from '../../src/plugins/models/layers/spectral-conv.ts';
import { ParameterSet } from '../../src/contracts/parameters.ts';

// Grids (after domain padding) and modes: no Nyquist bin kept, Nyquist kept along x (2m = n₁), along y
// (m = n₂/2 + 1), both, odd sizes, 1-D with and without the Nyquist bin.
const CASES: { grid: number[]; modes: number }[] = [
  { grid: [24, 24], modes: 4 },
  { grid: [16, 16], modes: 8 },
  { grid: [12, 10], modes: 6 },
  { grid: [16, 14], modes: 8 },
  { grid: [15, 15], modes: 7 },
  { grid: [16], modes: 9 },
  { grid: [15], modes: 8 },
];

/** selfConjugateModes as torch_models.py names them: per weight tensor, [mode indices…, 1 (imaginary)]. */
function expectedDead(grid: number[], modes: number): Record<string, number[][]> {
  const at = selfConjugateModes(grid, grid.map(() => modes));
  if (grid.length === 1) return { weights1: at.map((k) => [...k, 1]) };
  const part = (first: boolean) => at.filter(([r]) => (r < modes) === first).map(([r, k]) => [first ? r : r - modes, k, 1]);
  return { weights1: part(true), weights2: part(false) };
}

describe('the spectral weights the FNO masks are exactly those without effect on the output', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-dead-weights-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('torch (independent SpectralConv, float64 autograd) finds a zero gradient (to float64 rounding) at the same components', async () => {
    const file = join(dir, 'cases.json');
    writeFileSync(file, JSON.stringify(CASES.map((c) => ({ shape: c.grid, modes: c.modes }))));
    const { stdout } = await execa('/usr/bin/python3', [join(import.meta.dirname, 'spectral_dead_weights.py'), file]);
    const found = JSON.parse(stdout) as Record<string, number[][]>[];
    CASES.forEach((c, i) => expect(found[i], `grid ${c.grid.join('×')}, modes ${c.modes}`).toEqual(expectedDead(c.grid, c.modes)));
  }, 60_000);
});

/** d sum(y ⊙ r) / d weights of one spectral convolution in float32 (as training runs it), on a backend. */
function weightGradients(shape: Shape, modes: number, transform: SpectralTransform) {
  const g = new GraphBuilder('spectral');
  const params = new ParameterSet(g, 5, 'float32');
  const x = g.input('x', 'float32', shape);
  const y = spectralConv(g, params, 'sc', x, { out: 2, modes: shape.slice(2).map(() => modes), transform });
  g.output(y, 'y');
  const random = (name: string, s: Shape) => {
    const rng = rngFor(5, name);
    return tensor('float32', s, Array.from({ length: sizeOf(s) }, () => rng.normal()));
  };
  const graph = grad(g.build(), { of: 'y', wrt: params.names(), seed: random('r', y.shape) });
  return { graph, feeds: { ...Object.fromEntries(params.initialValues()), x: random('x', shape) } };
}

describe('every engine computes their gradient as an exact 0 (so Adam leaves them alone)', () => {
  beforeAll(async () => {
    await activateTfjs('wasm');
  });

  // Unmasked, ORT's float32 DFT gives these components gradients of ~1e-8..1e-7 and the matmul bases ~1e-17
  // at Nyquist bins (sin(π·j) is not exactly 0); the other components must keep a non-zero gradient.
  it.each(['dft', 'matmul'] as const)('%s transform, onnxruntime and tfjs', async (transform) => {
    for (const { grid, modes } of CASES) {
      const { graph, feeds } = weightGradients([2, 3, ...grid], modes, transform);
      for (const [engine, out] of [['onnxruntime', await runOnOrt(graph, feeds)], ['tfjs', execute(graph, feeds)]] as const) {
        for (const [name, dead] of Object.entries(expectedDead(grid, modes))) {
          const g = out[`grad:sc.${name}`];
          const modeShape = g.shape.slice(2, -1);
          const deadSlots = new Set(dead.map((at) => 2 * at.slice(0, -1).reduce((flat, k, axis) => flat * modeShape[axis] + k, 0) + 1));
          const perPair = 2 * sizeOf(modeShape);
          const where = `${engine}, ${name}, grid ${grid.join('×')}, modes ${modes}`;
          for (let j = 0; j < g.data.length; j++) {
            const v = Number(g.data[j]);
            if (deadSlots.has(j % perPair)) expect(Math.abs(v), `${where}: element ${j}`).toBe(0);
            else expect(Math.abs(v), `${where}: element ${j}`).toBeGreaterThan(0);
          }
        }
      }
    }
  });
});
