import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { writeNpzFile, type NpzEntry } from '../data/npz.ts';
import type { Tensor } from '../graph/tensor.ts';

/**
 * The native-PyTorch side of a workload: PyTorch code as a user writes it (nn.Module layers, torch.fft,
 * torch.autograd.grad, torch.optim.Adam), one Python module per workload under src/bench/native/, run by
 * native/run_native.py. It starts from tandem's initial parameters (loaded by name) and takes the same batches in
 * the same order, so its per-step losses can be held against tandem's before any timing is believed.
 */
export interface NativeTorchRequest {
  /** A workload module beside run_native.py (e.g. `burgers_unet`), or the path of a .py file. */
  readonly module: string;
  /** What the module builds from: the model's resolved settings and the `train.loss` section. */
  readonly spec: { readonly model: Record<string, unknown>; readonly loss: unknown };
  /** The trainable parameters' initial values, by tandem name. */
  readonly params: ReadonlyMap<string, Tensor>;
  readonly batches: readonly ReadonlyMap<string, Tensor>[];
  /** `train.optimizer` as written: its keys are torch.optim's keyword arguments. */
  readonly optimizer: { readonly name: string } & Record<string, unknown>;
  /** `train.clip_grad_norm.max_norm`, applied by torch.nn.utils.clip_grad_norm_ before each step. */
  readonly clipGradNorm?: number;
  readonly threads: number;
  /** Leading steps left out of the median (they still count for the losses). */
  readonly warmup: number;
  readonly python: string;
}

export interface NativeTorchRun {
  readonly stepMs: number;
  /** The loss of every step, in order. */
  readonly losses: readonly number[];
}

export const NATIVE_RUNNER = join(dirname(fileURLToPath(import.meta.url)), 'native', 'run_native.py');

/** Runs the request in `dir` (a scratch folder the caller removes). */
export async function runNativeTorch(r: NativeTorchRequest, dir: string): Promise<NativeTorchRun> {
  const entries: Record<string, NpzEntry> = {};
  // float32 throughout, as tandem's float32 program casts its feeds (the elastic adapter's data is float64).
  const asFloat32 = (t: Tensor): NpzEntry => ({ dtype: 'float32', shape: t.shape, data: t.data instanceof Float32Array ? t.data : Float32Array.from(t.data as ArrayLike<number>) });
  for (const [name, t] of r.params) entries[name] = asFloat32(t);
  r.batches.forEach((feed, k) => {
    for (const [key, t] of feed) entries[`batch.${k}.${key}`] = asFloat32(t);
  });
  const npz = join(dir, 'native.npz');
  writeNpzFile(npz, entries);
  const manifestPath = join(dir, 'native.json');
  const manifest = { module: r.module, spec: r.spec, npz, params: [...r.params.keys()], steps: r.batches.length, optimizer: r.optimizer, clip_grad_norm: r.clipGradNorm ?? null, threads: r.threads, warmup: r.warmup };
  writeFileSync(manifestPath, JSON.stringify(manifest));
  const p = await execa(r.python, [NATIVE_RUNNER, manifestPath], { reject: false });
  if (p.exitCode !== 0) throw new Error(`the native PyTorch side of ${r.module} failed (${r.python} ${NATIVE_RUNNER}, exit ${p.exitCode}):\n${p.stderr || p.stdout}`);
  const out = JSON.parse(p.stdout.trim()) as { step_ms: number; losses: number[] };
  return { stepMs: out.step_ms, losses: out.losses };
}
