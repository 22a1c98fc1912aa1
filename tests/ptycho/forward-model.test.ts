import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readNpzFile } from '../../src/data/npz.ts';
import { GraphBuilder } from '../../src/graph/builder.ts';
import { tensor } from '../../src/graph/tensor.ts';
import { cutPatch } from '../../src/physics/ptycho/patches.ts';
import { expectedCounts, simulatePtycho } from '../../src/physics/ptycho/simulate.ts';
import { runOnOrt } from '../../src/plugins/backends/onnxruntime/ort-run.ts';
import { farFieldIntensity, fromPolar } from '../../src/plugins/models/ptycho/far-field.ts';
import { compileOn } from '../backends/cross/backend-sessions.ts';
import { TINY_SIMULATION } from './fixtures.ts';
import { tinyPtycho } from './program-fixture.ts';

// specs/ptycho.md §1 (simulator) and §5 (model): the graph's forward model is the simulator's physics.

describe('the far-field graph reproduces the simulator', () => {
  it('|DFT2(probe·O)|² on ORT equals the simulator’s noise-free counts for the true object patch', async () => {
    const sim = simulatePtycho(TINY_SIMULATION);
    const n = TINY_SIMULATION.N;
    const patch = cutPatch(sim.object, TINY_SIMULATION.object_size, sim.x[7], sim.y[7], n);
    const want = expectedCounts(sim.probe, patch, n, sim.photonScale);
    const g = new GraphBuilder('far-field');
    const amp = g.input('amp', 'float32', [1, 1, n, n]);
    const phase = g.input('phase', 'float32', [1, 1, n, n]);
    const probe = g.input('probe', 'float32', [n, n, 2]);
    g.output(farFieldIntensity(g, fromPolar(g, amp, phase), probe), 'intensity');
    const scale = Math.sqrt(sim.photonScale) / n; // what the adapter folds into the probe
    const out = await runOnOrt(g.build(), {
      amp: tensor('float32', [1, 1, n, n], Array.from(patch.re, (re, i) => Math.hypot(re, patch.im[i]))),
      phase: tensor('float32', [1, 1, n, n], Array.from(patch.re, (re, i) => Math.atan2(patch.im[i], re))),
      probe: tensor('float32', [n, n, 2], Array.from({ length: 2 * n * n }, (_, k) => scale * (k % 2 ? sim.probe.im[k >> 1] : sim.probe.re[k >> 1]))),
    });
    const got = out.intensity.data as Float32Array;
    const peak = Math.max(...want);
    for (let i = 0; i < n * n; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-5 * peak);
  });

  it('the stored amplitudes are sqrt of Poisson counts around those expectations', () => {
    const sim = simulatePtycho(TINY_SIMULATION);
    const n = TINY_SIMULATION.N;
    let [chi2, cells] = [0, 0];
    for (let m = 0; m < sim.x.length; m++) {
      const e = expectedCounts(sim.probe, cutPatch(sim.object, TINY_SIMULATION.object_size, sim.x[m], sim.y[m], n), n, sim.photonScale);
      for (let i = 0; i < n * n; i++) {
        const k = sim.amplitude[m * n * n + i] ** 2;
        expect(Math.abs(k - Math.round(k))).toBeLessThan(1e-3 * Math.max(1, k)); // integer counts
        if (e[i] > 20) [chi2, cells] = [chi2 + (k - e[i]) ** 2 / e[i], cells + 1];
      }
    }
    expect(cells).toBeGreaterThan(100);
    expect(Math.abs(chi2 / cells - 1)).toBeLessThan(0.25); // Poisson: variance = mean
  });

  it('the simulation is a pure function of its seed', () => {
    const a = simulatePtycho(TINY_SIMULATION);
    expect(Array.from(simulatePtycho(TINY_SIMULATION).amplitude)).toEqual(Array.from(a.amplitude));
    expect(Array.from(simulatePtycho({ ...TINY_SIMULATION, seed: 2 }).amplitude)).not.toEqual(Array.from(a.amplitude));
  });
});

describe('training and the reconstruction outputs', () => {
  it('a few ORT steps lower the Poisson NLL, then afterTraining writes metrics, curves, npz and a valid PNG', async () => {
    const { adapter, program, batch, dir } = await tinyPtycho('train', {}, 8);
    const session = await compileOn('onnxruntime', program);
    const before = (await session.evaluate(batch)).loss;
    for (let k = 1; k <= 15; k++) await session.step(batch, 1e-2, k);
    const after = (await session.evaluate(batch)).loss;
    expect(after).toBeLessThan(before);
    const { line, plots } = await adapter.afterTraining({ runDir: dir, container: adapter.container(), forward: (b) => session.forward(b) });
    await session.dispose();
    expect(plots.map((p) => p.id)).toStrictEqual(['ptycho-amplitude', 'ptycho-phase']);
    expect(line).toMatch(/amplitude MAE [0-9.]+, PSNR -?[0-9.]+ dB, FRC\(1\/7\) [0-9.]+; phase MAE/);
    const csv = readFileSync(join(dir, 'comparison_metrics.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('model,metric,amplitude,phase');
    expect(csv.slice(1).map((r) => r.split(',')[1])).toEqual(['mae', 'psnr', 'frc_1_7']);
    const mae = Number(csv[1].split(',')[2]);
    expect(mae).toBeGreaterThan(0);
    expect(mae).toBeLessThan(1);
    const recon = readNpzFile(join(dir, 'reconstruction.npz'));
    expect(recon.arrays.get('object_pred')!.shape).toEqual([16, 16]);
    expect(existsSync(join(dir, 'frc_curves.csv'))).toBe(true);
    const groups = readNpzFile(join(dir, 'ptycho_groups.npz'));
    expect(groups.arrays.get('nn_indices')!.shape).toEqual([20, 1]);
    expect(groups.arrays.get('train_groups')!.shape[0] + groups.arrays.get('test_groups')!.shape[0]).toBe(20);
    // The PNG: signature, IHDR size, and an IDAT that inflates to (width + 1)·height bytes.
    const png = readFileSync(join(dir, 'reconstruction.png'));
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const [width, height] = [png.readUInt32BE(16), png.readUInt32BE(20)];
    const idatLength = png.readUInt32BE(33);
    expect(png.subarray(37, 41).toString('latin1')).toBe('IDAT');
    expect(inflateSync(png.subarray(41, 41 + idatLength)).length).toBe((width + 1) * height);
  }, 60_000);
});
