// `tandem bench train --workloads`: the native PyTorch implementation of each workload (src/bench/native/*.py)
// computes the same losses as tandem's graphs from the same weights and batches, at a tiny size; and a native model
// with a deliberate mistake is caught by that check, so its time is never reported.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { benchDocument, workloadCaseJson } from '../../src/bench/bench-json.ts';
import { benchWorkloads, LOSS_AGREEMENT, workloadTable, type WorkloadSpec } from '../../src/bench/workloads.ts';

const root = mkdtempSync(join(tmpdir(), 'tandem-bench-native-test-'));
const python = '/usr/bin/python3';

const TINY: Record<string, WorkloadSpec> = {
  burgers: {
    config: 'conf/burgers.yaml',
    native: 'burgers_unet',
    overrides: ['adapter.params.n_sims=2', 'adapter.params.steps=6', 'adapter.params.rollout=3', 'adapter.params.resolution=32', `adapter.params.cache_dir=${join(root, 'burgers')}`, 'train.loss.rollout.horizon=2', 'train.batch_size=2', '+model.params.width=4'],
  },
  darcy: {
    config: 'conf/darcy_fno.yaml',
    native: 'darcy_fno',
    overrides: ['adapter.params.resolution=16', 'adapter.params.n_train=4', 'adapter.params.n_test=2', `adapter.params.cache_dir=${join(root, 'darcy')}`, 'model.params.width=4', 'model.params.layers=2', 'model.params.modes=3', 'model.params.domain_padding=3', 'train.batch_size=2'],
  },
  ptycho: {
    config: 'conf/ptycho.yaml',
    native: 'ptycho_net',
    overrides: [`adapter.params.path=${join(root, 'ptycho-sim.npz')}`, 'adapter.params.simulate.object_size=32', 'adapter.params.n_groups=25', 'model.params.filters=4', 'train.batch_size=4'],
  },
  elastic: {
    config: 'conf/elastic_pinn.yaml',
    native: 'elastic_pinn',
    overrides: ['adapter.params.points.interior=60', 'adapter.params.points.boundary=20', 'adapter.params.points.initial=20', 'adapter.params.test_grid.n=3', 'adapter.params.test_grid.nt=2', 'model.params.hidden=[8,8]'],
  },
};

const bench = (workloads: WorkloadSpec[]) => benchWorkloads({ threads: 1, steps: 2, python, workloads }, () => {});

describe('native PyTorch workloads', () => {
  it('each workload\'s native model and loss agree with tandem\'s graphs step by step, and its time is reported', async () => {
    const rows = await bench(Object.values(TINY));
    expect(rows.map((r) => r.workload)).toEqual(['burgers', 'darcy_fno', 'ptycho', 'elastic-pinn']);
    for (const r of rows) {
      // float32 rounding only: different kernels (Conv1d vs im2col MatMul, torch.fft vs DFT matrices) for the same function.
      expect(r.nativeLossRelDiff, r.id).toBeLessThan(1e-5);
      expect(r.nativeStepMs, r.id).toBeGreaterThan(0);
    }
    const doc = benchDocument({ blas: 'openblas', gflops: 1, threads: 1, libraries: [] }, rows.map(workloadCaseJson));
    expect(doc.cases.every((c) => typeof c.torch_native_ms === 'number' && typeof c.torch_ms === 'number')).toBe(true);
  }, 240_000);

  it('a native model with a missing activation disagrees: its time is not reported, and the table says why', async () => {
    // The burgers U-Net without its ReLUs: a linear network, the same weights and data.
    const wrong = join(root, 'burgers_unet_no_activation.py');
    writeFileSync(
      wrong,
      ['from burgers_unet import prepare, loss, build as build_right', '', 'def build(spec, frames):', '    net = build_right(spec, frames)', '    for block in [net.inc, *net.down, *net.up]:', '        block.act = lambda h: h', '    return net', ''].join('\n'),
    );
    const [row] = await bench([{ ...TINY.burgers, native: wrong }]);
    expect(row.nativeLossRelDiff).toBeGreaterThan(LOSS_AGREEMENT);
    expect(row.nativeStepMs).toBeNull();
    expect(workloadCaseJson(row).torch_native_ms).toBeNull();
    expect(workloadTable([row], { threads: 1, steps: 2 }, { blas: 'openblas', gflops: 1, threads: 1, libraries: [] })).toMatch(/not reported: its loss disagrees \(Δrel [0-9.e+-]+ > 0\.001\)/);
  }, 120_000);
});
