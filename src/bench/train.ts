import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { Bench } from 'tinybench';
import { writeNpzFile, type NpzEntry } from '../data/npz.ts';
import type { Tensor } from '../graph/tensor.ts';
import { builtinPlugins } from '../orchestrator/composition-root.ts';
import { constructPlugin } from '../orchestrator/plugins/construct-plugin.ts';
import { buildTrainingProgram } from '../train/program.ts';
import { BENCH_LR, benchBatches, benchCases, IN_FEATURES, programSpec, type BenchCase, type WorkloadKind } from './train-workloads.ts';
import { blasHeader, type TorchBlas } from './torch-blas.ts';

/**
 * `tandem bench train`: median train-step time of ONNX Runtime (tandem's fused step graph) against PyTorch
 * (native nn.Linear + Adam) from the same initial weights and the same batches, with the same thread count,
 * in one run, plus the same step graph on tfjs-wasm (one thread). Per case, ORT is timed first, then torch, never both at once. The first `checkSteps` losses of both are
 * compared, so a speedup can only be reported for two programs that did the same arithmetic.
 */
export interface TrainBenchOptions {
  readonly threads: number;
  readonly scaling: boolean;
  /** Minimum measuring time per task, in ms. */
  readonly timeMs: number;
  readonly python: string;
  readonly seed: number;
  /** The cases to time (default: benchCases(scaling)); tests pass a tiny one. */
  readonly cases?: readonly BenchCase[];
}

export interface TrainBenchRow {
  readonly id: string;
  readonly kind: WorkloadKind;
  /** Matmul FLOPs of one forward pass over the batch (2·B·Σ wᵢ·wᵢ₊₁). */
  readonly flops: number;
  readonly ortStepMs: number;
  readonly ortForwardMs: number;
  readonly torchStepMs: number;
  readonly torchForwardMs: number;
  /** max |ort − torch| / |torch| over the first checkSteps losses. */
  readonly lossRelDiff: number;
  /** tfjs on wasm (XNNPACK, SIMD, one thread: tfjs has no wasm threads in Node), tandem's same step graph. */
  readonly tfjsStepMs: number;
  readonly tfjsForwardMs: number;
  /** max |tfjs − torch| / |torch| over the first checkSteps losses. */
  readonly tfjsLossRelDiff: number;
}

const BATCHES = 8;
const CHECK_STEPS = 5;
const WARMUP = 10;
const MIN_ITERS = 20;

export async function benchTrain(options: TrainBenchOptions, log: (line: string) => void): Promise<TrainBenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-bench-train-'));
  try {
    const rows: TrainBenchRow[] = [];
    // Each case is timed on ORT and then at once on torch, so both sides see about the same machine load.
    for (const [i, c] of (options.cases ?? benchCases(options.scaling)).entries()) {
      log(`${c.id}: onnxruntime`);
      const npz = join(dir, `case-${i}.npz`);
      const ort = await runGraphBackend(c, options, npz, 'onnxruntime');
      log(`${c.id}: tfjs (wasm)`);
      const tf = await runGraphBackend(c, options, npz, 'tfjs');
      log(`${c.id}: torch (${options.python})`);
      const t = await runTorch(c, options, npz, dir);
      const relDiff = (losses: number[]) => Math.max(...t.losses.map((v, k) => Math.abs(losses[k] - v) / Math.abs(v)));
      rows.push({
        id: c.id,
        kind: c.kind,
        flops: 2 * c.batch * c.widths.slice(1).reduce((acc, w, l) => acc + c.widths[l] * w, 0),
        ortStepMs: ort.stepMs,
        ortForwardMs: ort.forwardMs,
        torchStepMs: t.step_ms,
        torchForwardMs: t.forward_ms,
        lossRelDiff: relDiff(ort.losses),
        tfjsStepMs: tf.stepMs,
        tfjsForwardMs: tf.forwardMs,
        tfjsLossRelDiff: relDiff(tf.losses),
      });
    }
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function runTorch(c: BenchCase, options: TrainBenchOptions, npz: string, dir: string) {
  const manifest = { threads: options.threads, cases: [{ id: c.id, kind: c.kind, widths: c.widths, lr: BENCH_LR, npz, warmup: WARMUP, min_iters: MIN_ITERS, min_seconds: options.timeMs / 1000, check_steps: CHECK_STEPS }] };
  const manifestPath = join(dir, 'manifest.json');
  writeFileSync(manifestPath, JSON.stringify(manifest));
  const script = join(dirname(fileURLToPath(import.meta.url)), 'train_torch.py');
  const r = await execa(options.python, [script, manifestPath], { reject: false });
  if (r.exitCode !== 0) throw new Error(`the torch side of the bench failed (${options.python} ${script}, exit ${r.exitCode}):\n${r.stderr}`);
  return JSON.parse(r.stdout.trim()) as { step_ms: number; forward_ms: number; losses: number[] };
}

/** Times tandem's step graph on ORT or tfjs-wasm; the ORT run also writes the weights and batches torch reads. */
async function runGraphBackend(c: BenchCase, options: TrainBenchOptions, npz: string, backendName: 'onnxruntime' | 'tfjs'): Promise<{ stepMs: number; forwardMs: number; losses: number[] }> {
  const program = buildTrainingProgram(await programSpec(c, options.seed), c.batch);
  const { x, target, targetWidth } = benchBatches(c, BATCHES, options.seed);
  const targetKey = c.kind === 'mlp' ? 'u' : 'f';
  const batches: Map<string, Tensor>[] = Array.from({ length: BATCHES }, (_, k) =>
    new Map([
      ['x', { dtype: 'float32', shape: [c.batch, IN_FEATURES], data: x.subarray(k * c.batch * IN_FEATURES, (k + 1) * c.batch * IN_FEATURES) }],
      [targetKey, { dtype: 'float32', shape: [c.batch, targetWidth], data: target.subarray(k * c.batch * targetWidth, (k + 1) * c.batch * targetWidth) }],
    ]),
  );
  const entries: Record<string, NpzEntry> = {
    x: { dtype: 'float32', shape: [BATCHES, c.batch, IN_FEATURES], data: x },
    target: { dtype: 'float32', shape: [BATCHES, c.batch, targetWidth], data: target },
  };
  for (const [name, t] of program.initialState()) if (program.params.some((p) => p.name === name)) entries[name] = { dtype: 'float32', shape: t.shape, data: t.data as Float32Array };
  if (backendName === 'onnxruntime') writeNpzFile(npz, entries);

  const backend = await constructPlugin(builtinPlugins, 'backend', backendName, backendName === 'onnxruntime' ? { threads: options.threads } : { device: 'wasm' });
  const session = await backend.compile(program);
  const losses: number[] = [];
  let k = 0;
  const bench = new Bench({ time: options.timeMs, iterations: MIN_ITERS, warmupIterations: WARMUP });
  bench.add('step', async () => {
    const r = await session.step(batches[k % BATCHES], BENCH_LR, k + 1);
    k++;
    if (losses.length < CHECK_STEPS) losses.push(r.loss);
  });
  bench.add('forward', async () => {
    await session.forward(batches[0]);
  });
  await bench.run();
  await session.dispose();
  const median = (name: string) => {
    const res = bench.tasks.find((t) => t.name === name)!.result;
    if (res.state !== 'completed') throw new Error(`bench task "${name}" of ${c.id} did not complete (${res.state})`);
    return res.latency.p50;
  };
  return { stepMs: median('step'), forwardMs: median('forward'), losses };
}

export function benchTable(rows: readonly TrainBenchRow[], options: TrainBenchOptions, torch: TorchBlas): string {
  const header = ['case', 'ORT step ms', 'torch step ms', 'torch/ORT', 'ORT fwd ms', 'ORT step/fwd', `loss Δrel (first ${CHECK_STEPS})`, 'tfjs-wasm step ms', 'tfjs/torch', 'tfjs loss Δrel'];
  const body = rows.map((r) => [
    r.id,
    r.ortStepMs.toFixed(3),
    r.torchStepMs.toFixed(3),
    `${(r.torchStepMs / r.ortStepMs).toFixed(2)}×`,
    r.ortForwardMs.toFixed(3),
    (r.ortStepMs / r.ortForwardMs).toFixed(1),
    r.lossRelDiff.toExponential(1),
    r.tfjsStepMs.toFixed(3),
    `${(r.tfjsStepMs / r.torchStepMs).toFixed(2)}×`,
    r.tfjsLossRelDiff.toExponential(1),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [
    blasHeader(torch),
    `threads: ${options.threads} (ORT intraOpNumThreads, torch.set_num_threads; tfjs-wasm always 1); medians; float32; Adam lr ${BENCH_LR}`,
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...body.map(line),
  ].join('\n');
}
