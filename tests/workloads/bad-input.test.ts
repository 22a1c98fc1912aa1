// Bad input to the Burgers and Darcy workloads, refused before training (specs/physics-data.md, conf/burgers.yaml,
// conf/darcy_fno.yaml): each row runs the real CLI in-process on the shipped config with tiny overrides and checks
// exit code 2, ONE error line that names the problem and what to do, and that no step ran.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readNpzFile, writeNpzFile } from '../../src/data/npz.ts';
import { simulationPath } from '../../src/physics/burgers/simulations.ts';
import { cli, runStatuses } from '../cli/run-cli.ts';

const root = mkdtempSync(join(tmpdir(), 'tandem-workload-bad-input-'));
/** Two short 1D simulations: generated in milliseconds. */
const TINY_BURGERS = ['adapter.params.n_sims=2', 'adapter.params.steps=6', 'adapter.params.rollout=3', 'adapter.params.resolution=32', 'train.epochs=1', 'train.loss.rollout.horizon=2'];
const TINY_DARCY = ['adapter.params.resolution=16', 'adapter.params.n_train=4', 'adapter.params.n_test=2', 'train.epochs=1', 'model.params.width=4', 'model.params.layers=1'];

async function refused(name: string, config: string, overrides: readonly string[]) {
  const outputs = join(root, 'outputs', name);
  const r = await cli('run', config, ...overrides, '--outputs', outputs);
  const errors = r.stderr.split('\n').filter((l) => l.startsWith('error:'));
  return { ...r, errors, statuses: runStatuses(outputs) };
}

describe('workloads refuse bad input before training, with one message and exit 2', () => {
  it('an unstable Burgers dt names the violated bound and a stable dt', async () => {
    const r = await refused('dt', 'conf/burgers.yaml', [...TINY_BURGERS, 'adapter.params.dt=0.2', `adapter.params.cache_dir=${join(root, 'cache-dt')}`]);
    expect(r.code).toBe(2);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatch(/would be unstable: the advective CFL bound .* is violated: .*use dt ≤ 0\.0585 \(the largest stable dt is 0\.06505\)/);
    expect(r.statuses.every((s) => s === 'failed')).toBe(true);
  });

  it('an unstable viscosity names the diffusive bound', async () => {
    const r = await refused('nu', 'conf/burgers.yaml', [...TINY_BURGERS, 'adapter.params.nu=5', `adapter.params.cache_dir=${join(root, 'cache-nu')}`]);
    expect(r.code).toBe(2);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatch(/unstable: the diffusive bound ν·dt\/dx² ≤ 0\.5 is violated/);
  });

  it('a resolution the U-Net cannot halve names the model, the grid and the fix, before any step', async () => {
    const r = await refused('unet', 'conf/burgers.yaml', [...TINY_BURGERS, 'adapter.params.resolution=30', `adapter.params.cache_dir=${join(root, 'cache-unet')}`]);
    expect(r.code).toBe(2);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatch(/^error: model unet: .*30.*Change the data resolution or model\.params\.levels\./);
    expect(r.stderr).not.toMatch(/epoch 1/);
  });

  it('more Fourier modes than the grid holds names the limit and model.params.modes', async () => {
    const r = await refused('modes', 'conf/darcy_fno.yaml', [...TINY_DARCY, 'model.params.modes=20', `adapter.params.cache_dir=${join(root, 'cache-modes')}`]);
    expect(r.code).toBe(2);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatch(/^error: model fno: .*on the grid 16×16 plus domain_padding 9: modes 20 .*use modes ≤ 12.*Lower model\.params\.modes\./);
    expect(r.stderr).not.toMatch(/epoch 1/);
  });

  it('a rollout horizon longer than the windows names both numbers', async () => {
    const r = await refused('horizon', 'conf/burgers.yaml', [...TINY_BURGERS, 'train.loss.rollout.horizon=5', `adapter.params.cache_dir=${join(root, 'cache-horizon')}`]);
    expect(r.code).toBe(2);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatch(/train\.loss\.rollout\.horizon is 5 but each window of "velocity" holds 4 frames, so at most 3 rollout steps/);
  });

  it('a cached simulation whose arrays break the contract is a data error naming the file', async () => {
    const cache = join(root, 'cache-contract');
    // A good run fills the cache; then one file keeps its hash but loses a grid point.
    const good = await refused('contract-fill', 'conf/burgers.yaml', [...TINY_BURGERS, `adapter.params.cache_dir=${cache}`]);
    expect(good.code, good.stderr).toBe(0);
    const file = simulationPath(cache, 0);
    const raw = readNpzFile(file);
    const v = raw.arrays.get('velocity')!;
    const [t, x, c] = v.shape;
    writeNpzFile(file, { velocity: { dtype: 'float32', shape: [t, x - 1, c], dims: v.dims, data: (v.data as Float32Array).slice(0, t * (x - 1) * c) } }, { attrs: raw.attrs });
    const r = await refused('contract', 'conf/burgers.yaml', [...TINY_BURGERS, `adapter.params.cache_dir=${cache}`]);
    expect(r.code).toBe(2);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toContain('sim_000000.npz');
  });

  it('a corrupt (truncated) cache file is regenerated with one sentence saying so, and the run goes on', async () => {
    const cache = join(root, 'cache-corrupt');
    expect((await refused('corrupt-fill', 'conf/burgers.yaml', [...TINY_BURGERS, `adapter.params.cache_dir=${cache}`])).code).toBe(0);
    const file = simulationPath(cache, 1);
    const bytes = readFileSync(file);
    writeFileSync(file, bytes.subarray(0, bytes.length >> 1));
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (m: unknown) => void warnings.push(String(m));
    try {
      const r = await refused('corrupt', 'conf/burgers.yaml', [...TINY_BURGERS, `adapter.params.cache_dir=${cache}`]);
      expect(r.code, r.stderr).toBe(0);
    } finally {
      console.warn = warn;
    }
    expect(warnings.filter((w) => w.includes('sim_000001.npz'))).toHaveLength(1);
    expect(warnings.find((w) => w.includes('sim_000001.npz'))).toMatch(/corrupt.*regenerating it/);
  });
});
