import { setUpParity } from '../orchestrator/parity/parity-setup.ts';
import type { Backend } from '../contracts/backend.ts';
import { builtinPlugins } from '../orchestrator/composition-root.ts';
import { constructPlugin } from '../orchestrator/plugins/construct-plugin.ts';
import { buildTrainingProgram } from '../train/program.ts';
import { blasHeader, type TorchBlas } from './torch-blas.ts';

/**
 * `tandem bench train --workloads`: the physics workloads as shipped (conf/burgers.yaml: U-Net trained on the
 * autoregressive rollout loss; conf/darcy_fno.yaml: FNO; conf/ptycho.yaml: the DFT forward model and Poisson NLL;
 * conf/elastic_pinn.yaml: second input derivatives), one train step at a time on ONNX Runtime, on tfjs, and on the
 * torch backend, which runs the SAME program graphs through the PyTorch reference interpreter (a separate process
 * over stdio; the parameters and optimizer state stay in that process between steps). All start from the same
 * initial state and take the same batches, the first training batches of the run; the losses of the timed steps
 * are compared so that only equal arithmetic is timed.
 */
export const WORKLOAD_CONFIGS = ['conf/burgers.yaml', 'conf/darcy_fno.yaml', 'conf/ptycho.yaml', 'conf/elastic_pinn.yaml'] as const;

export interface WorkloadBenchRow {
  readonly id: string;
  /** The experiment's name (burgers, darcy_fno, …). */
  readonly workload: string;
  readonly ortStepMs: number;
  readonly tfjsStepMs: number;
  readonly torchStepMs: number;
  /** max |backend − torch| / |torch| over the timed steps' losses, for ORT and tfjs alike. */
  readonly lossRelDiff: number;
}

const WARMUP = 2;

export async function benchWorkloads(options: { threads: number; steps: number; python: string }, log: (line: string) => void): Promise<WorkloadBenchRow[]> {
  const rows: WorkloadBenchRow[] = [];
  for (const configFile of WORKLOAD_CONFIGS) {
    const setup = await setUpParity({ configFile, overrides: [], builtins: builtinPlugins });
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
    const lossRelDiff = Math.max(...[ort, tfjs].flatMap((side) => torch.losses.map((v, k) => Math.abs(side.losses[k] - v) / Math.abs(v))));
    rows.push({ id, workload: experiment.name, ortStepMs: ort.median, tfjsStepMs: tfjs.median, torchStepMs: torch.median, lossRelDiff });
  }
  return rows;
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
  const header = ['workload', 'ORT step ms', 'tfjs step ms', 'torch step ms', 'torch/ORT', 'tfjs/torch', 'loss Δrel'];
  const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
  const body = rows.map((r) => [
    r.id,
    r.ortStepMs.toFixed(1),
    r.tfjsStepMs.toFixed(1),
    r.torchStepMs.toFixed(1),
    ratio(r.torchStepMs, r.ortStepMs),
    ratio(r.tfjsStepMs, r.torchStepMs),
    r.lossRelDiff.toExponential(1),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [
    blasHeader(torch),
    `threads: ${options.threads} (ORT intraOpNumThreads, torch.set_num_threads); median of ${options.steps} steps after ${WARMUP} warm-up; float32; torch = the same graphs through the torch reference interpreter`,
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...body.map(line),
  ].join('\n');
}
