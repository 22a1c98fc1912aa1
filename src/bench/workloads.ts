import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setUpParity } from '../orchestrator/parity/parity-setup.ts';
import type { Backend } from '../contracts/backend.ts';
import { builtinPlugins } from '../orchestrator/composition-root.ts';
import { constructPlugin } from '../orchestrator/plugins/construct-plugin.ts';
import { buildTrainingProgram } from '../train/program.ts';
import { parseOptimizerOptions } from '../train/optimizers/optimizer-options.ts';
import { runNativeTorch } from './native-torch.ts';
import { blasHeader, type TorchBlas } from './torch-blas.ts';

/**
 * `tandem bench train --workloads`: the physics workloads as shipped (conf/burgers.yaml: U-Net trained on the
 * autoregressive rollout loss; conf/darcy_fno.yaml: FNO; conf/ptycho.yaml: the DFT forward model and Poisson NLL;
 * conf/elastic_pinn.yaml: second input derivatives), one train step at a time on ONNX Runtime, on tfjs, and on the
 * torch backend, which runs the SAME program graphs through the PyTorch reference interpreter (a separate process
 * over stdio; the parameters and optimizer state stay in that process between steps), and as native PyTorch code
 * a user would write (src/bench/native/<module>.py: nn.Module layers, torch.fft, torch.autograd.grad,
 * torch.optim.Adam; native-torch.ts). All start from the same initial state and take the same batches, the first
 * training batches of the run; the losses of every step are compared so that only equal arithmetic is timed.
 */
export const WORKLOADS: readonly WorkloadSpec[] = [
  { config: 'conf/burgers.yaml', native: 'burgers_unet' },
  { config: 'conf/darcy_fno.yaml', native: 'darcy_fno' },
  { config: 'conf/ptycho.yaml', native: 'ptycho_net' },
  { config: 'conf/elastic_pinn.yaml', native: 'elastic_pinn' },
];

/** One workload to time: a config (with overrides, e.g. a tiny size in tests) and its native PyTorch module. */
export interface WorkloadSpec {
  readonly config: string;
  readonly native: string;
  readonly overrides?: readonly string[];
}

export interface WorkloadBenchRow {
  readonly id: string;
  /** The experiment's name (burgers, darcy_fno, …). */
  readonly workload: string;
  readonly ortStepMs: number;
  readonly tfjsStepMs: number;
  readonly torchStepMs: number;
  /** max |backend − torch| / |torch| over every step's loss, for ORT and tfjs alike. */
  readonly lossRelDiff: number;
  /** The native PyTorch step; null when its losses disagree with the torch interpreter's (then it is not timed fairly). */
  readonly nativeStepMs: number | null;
  /** max |native − torch| / |torch| over every step's loss. */
  readonly nativeLossRelDiff: number;
}

export interface WorkloadBenchOptions {
  readonly threads: number;
  readonly steps: number;
  readonly python: string;
  /** The workloads (default WORKLOADS); tests pass tiny ones, or a deliberately wrong native module. */
  readonly workloads?: readonly WorkloadSpec[];
}

const WARMUP = 2;

/** float32 losses of one program on two runtimes agree to ~1e-6 over a few steps; 1e-3 (relative) means a real difference. */
export const LOSS_AGREEMENT = 1e-3;

export async function benchWorkloads(options: WorkloadBenchOptions, log: (line: string) => void): Promise<WorkloadBenchRow[]> {
  const rows: WorkloadBenchRow[] = [];
  for (const workload of options.workloads ?? WORKLOADS) {
    const configFile = workload.config;
    const setup = await setUpParity({ configFile, overrides: workload.overrides ?? [], builtins: builtinPlugins });
    const { experiment } = setup;
    const program = buildTrainingProgram(experiment.programSpec('float32'), experiment.batchSize);
    const batches = experiment.trajectory(WARMUP + options.steps);
    const lr = (experiment.train.optimizer as { lr: number }).lr;
    const time = async (backend: Backend) => {
      const session = await backend.compile(program);
      const ms: number[] = [];
      const losses: number[] = [];
      try {
        for (const [k, b] of batches.entries()) {
          const t0 = performance.now();
          const r = await session.step(b.feed, lr, k + 1);
          if (k >= WARMUP) ms.push(performance.now() - t0);
          losses.push(r.loss);
        }
      } finally {
        await session.dispose();
      }
      return { median: median(ms), losses };
    };
    const id = `${experiment.name} (${configFile}, batch ${experiment.batchSize})`;
    log(`${id}: onnxruntime`);
    const ort = await time(await backendFor(setup, 'onnxruntime', { threads: options.threads }));
    log(`${id}: tfjs`);
    const tfjs = await time(await backendFor(setup, 'tfjs', {}));
    log(`${id}: torch (${options.python})`);
    const torch = await time(await backendFor(setup, 'torch', { threads: options.threads, python: options.python }));
    log(`${id}: native PyTorch (${workload.native})`);
    const spec = program.spec;
    const native = await withScratchDir((dir) =>
      runNativeTorch(
        {
          module: workload.native,
          spec: { model: spec.model.effectiveSettings(), loss: experiment.train.loss },
          params: new Map([...program.initialState()].filter(([name]) => program.params.some((p) => p.name === name))),
          batches: batches.map((b) => b.feed),
          optimizer: parseOptimizerOptions(experiment.train.optimizer),
          ...(experiment.train.clip_grad_norm ? { clipGradNorm: experiment.train.clip_grad_norm.max_norm } : {}),
          threads: options.threads,
          warmup: WARMUP,
          python: options.python,
        },
        dir,
      ),
    );
    const relDiff = (losses: readonly number[]) => Math.max(...torch.losses.map((v, k) => Math.abs(losses[k] - v) / Math.abs(v)));
    const nativeLossRelDiff = relDiff(native.losses);
    rows.push({
      id,
      workload: experiment.name,
      ortStepMs: ort.median,
      tfjsStepMs: tfjs.median,
      torchStepMs: torch.median,
      lossRelDiff: Math.max(relDiff(ort.losses), relDiff(tfjs.losses)),
      nativeStepMs: nativeLossRelDiff <= LOSS_AGREEMENT ? native.stepMs : null,
      nativeLossRelDiff,
    });
  }
  return rows;
}

async function withScratchDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-bench-native-'));
  try {
    return await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function backendFor(setup: Awaited<ReturnType<typeof setUpParity>>, name: string, params: Record<string, unknown>): Promise<Backend> {
  return constructPlugin(setup.handshake.catalog, 'backend', name, params, 'bench');
}

/** The median of a non-empty sample. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

export function workloadTable(rows: readonly WorkloadBenchRow[], options: { threads: number; steps: number }, torch: TorchBlas): string {
  const header = ['workload', 'ORT step ms', 'tfjs step ms', 'torch interp. ms', 'native PyTorch ms', 'native/ORT', 'tfjs/native', 'loss Δrel', 'native loss Δrel'];
  const ratio = (a: number | null, b: number | null) => (a === null || b === null ? '—' : `${(a / b).toFixed(2)}×`);
  const body = rows.map((r) => [
    r.id,
    r.ortStepMs.toFixed(1),
    r.tfjsStepMs.toFixed(1),
    r.torchStepMs.toFixed(1),
    r.nativeStepMs === null ? `not reported: its loss disagrees (Δrel ${r.nativeLossRelDiff.toExponential(1)} > ${LOSS_AGREEMENT})` : r.nativeStepMs.toFixed(1),
    ratio(r.nativeStepMs, r.ortStepMs),
    ratio(r.tfjsStepMs, r.nativeStepMs),
    r.lossRelDiff.toExponential(1),
    r.nativeLossRelDiff.toExponential(1),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [
    blasHeader(torch),
    `threads: ${options.threads} (ORT intraOpNumThreads, torch.set_num_threads; tfjs-wasm 1); median of ${options.steps} steps after ${WARMUP} warm-up; float32; torch interp. = tandem's graphs through the torch reference interpreter, native PyTorch = src/bench/native/*.py; loss Δrel against the interpreter over every step`,
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...body.map(line),
  ].join('\n');
}
