import { benchAutodiff, formatAutodiffBench } from '../../bench/autodiff.ts';
import { benchProfile, profileTable } from '../../bench/profile.ts';
import { benchDocument, trainCaseJson, workloadCaseJson } from '../../bench/bench-json.ts';
import { parseThreads, probeTorchBlas } from '../../bench/torch-blas.ts';
import { benchTable, benchTrain } from '../../bench/train.ts';
import { benchWorkloads, LOSS_AGREEMENT, workloadTable } from '../../bench/workloads.ts';
import { toJson } from '../io.ts';
import { UsageError } from '../../orchestrator/errors.ts';
import type { CliCommand } from './command.ts';

/**
 * `tandem bench <what>`: `train` (ORT vs PyTorch train step, src/bench/train.ts) and `autodiff` (ORT time of the
 * forward / gradient / second-order PINN graphs, src/bench/autodiff.ts).
 */
export const benchCommand: CliCommand = {
  register(program, io) {
    const bench = program.command('bench').description('Benchmarks: train (ORT vs PyTorch train step), autodiff (PINN graph costs on ORT).');
    bench
      .command('train')
      .description('Median train-step time on ONNX Runtime and tfjs-wasm vs PyTorch (same weights, batches and threads): MLP, PINN residual, and with --scaling batch/width/depth sweeps.')
      .option('--threads <n>', 'intra-op threads for both sides: a count or "all" (every core)', '1')
      .option('--scaling', 'also run batch 32…4096 and width/depth scaling')
      .option('--time <ms>', 'minimum measuring time per task', '1500')
      .option('--python <path>', 'python with torch', '/usr/bin/python3')
      .option('--seed <n>', 'seed of weights and batches', '0')
      .option('--json', 'print one JSON document: { torch: { blas, gflops, threads }, cases: [...] }')
      .option('--workloads', 'instead: the physics workloads (burgers, darcy_fno, ptycho, elastic_pinn configs): ORT and tfjs vs native PyTorch code and the torch interpreter of the same graphs')
      .option('--steps <n>', 'timed steps per workload (with --workloads)', '10')
      .action(async (o: { threads: string; scaling?: boolean; time: string; python: string; seed: string; json?: boolean; workloads?: boolean; steps: string }) => {
        const threads = threadsOption(o.threads);
        // The anchor first: which BLAS torch loaded and how fast it is, at the thread count both sides use.
        const torch = await probeTorchBlas(o.python, threads);
        io.err(`torch BLAS: ${torch.blas}, ${torch.gflops.toFixed(1)} GFLOP/s\n`);
        if (o.workloads) {
          const options = { threads, steps: positiveInt(o.steps, '--steps'), python: o.python };
          const rows = await benchWorkloads(options, (line) => io.err(`${line}\n`));
          io.out(o.json ? toJson(benchDocument(torch, rows.map(workloadCaseJson))) : `${workloadTable(rows, options, torch)}\n`);
          const diverged = rows.filter((r) => !(r.lossRelDiff <= LOSS_AGREEMENT) || r.nativeStepMs === null);
          if (diverged.length) throw new Error(`ORT, tfjs or native PyTorch losses differ from the torch interpreter's by more than ${LOSS_AGREEMENT} (relative) on: ${diverged.map((r) => r.id).join('; ')}; those timings are not comparable (the table says which).`);
          return;
        }
        const options = { threads, scaling: o.scaling ?? false, timeMs: positiveInt(o.time, '--time'), python: o.python, seed: Number(o.seed) };
        const rows = await benchTrain(options, (line) => io.err(`${line}\n`));
        io.out(o.json ? toJson(benchDocument(torch, rows.map(trainCaseJson))) : `${benchTable(rows, options, torch)}\n`);
        const diverged = rows.filter((r) => !(r.lossRelDiff <= LOSS_AGREEMENT) || !(r.tfjsLossRelDiff <= LOSS_AGREEMENT));
        if (diverged.length) {
          throw new Error(`ORT or tfjs and torch losses differ by more than ${LOSS_AGREEMENT} (relative) over the first steps of: ${diverged.map((r) => r.id).join('; ')}. The two sides did not compute the same thing, so these timings are not comparable.`);
        }
      });
    bench
      .command('profile <config>')
      .description('Where a train step\'s time goes, per op type of the config\'s step graph (or of the bench train case: mlp, pinn): tfjs times each node, onnxruntime reports its own profiler\'s kernels.')
      .option('--backend <name>', 'backend to profile: tfjs or onnxruntime', 'tfjs')
      .option('--steps <n>', 'timed runs of the step graph', '5')
      .option('--threads <n>', 'intra-op threads (onnxruntime): a count or "all"', '1')
      .action(async (config: string, o: { backend: string; steps: string; threads: string }) => {
        const steps = positiveInt(o.steps, '--steps');
        io.out(`${profileTable(await benchProfile({ config, backend: o.backend, steps, threads: threadsOption(o.threads) }), o.backend, steps)}\n`);
      });
    bench
      .command('autodiff')
      .description('ORT median time and node count of the forward, gradient and second-order (Laplacian) graphs of a tanh MLP 3→64→64→64→2, as built and simplified.')
      .option('--batch <n>', 'samples per batch', '1000')
      .option('--threads <n>', 'ORT intra-op threads (default: ORT chooses)')
      .option('--time <ms>', 'measuring time per graph', '3000')
      .option('--json', 'print the rows as JSON')
      .action(async (o: { batch: string; threads?: string; time: string; json?: boolean }) => {
        const rows = await benchAutodiff({
          batch: positiveInt(o.batch, '--batch'),
          timeMs: positiveInt(o.time, '--time'),
          ...(o.threads !== undefined ? { threads: positiveInt(o.threads, '--threads') } : {}),
        });
        io.out(o.json ? toJson({ rows }) : formatAutodiffBench(rows));
      });
  },
};

function positiveInt(v: string, flag: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a positive integer, got "${v}"`);
  return n;
}

/** `--threads`: a count or "all"; anything else is a usage error (exit 2), not a crash. */
function threadsOption(v: string): number {
  try {
    return parseThreads(v);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}
