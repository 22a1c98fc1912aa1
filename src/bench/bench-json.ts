import type { TrainBenchRow } from './train.ts';
import type { TorchBlas } from './torch-blas.ts';
import type { WorkloadBenchRow } from './workloads.ts';

/**
 * The one `--json` document of `tandem bench train` (specs/bench.md): the torch anchor, then one entry per case.
 * `torch_ms` is the torch reference interpreter running tandem's own graphs, `torch_native_ms` PyTorch code as a
 * user writes it (nn.Module + torch.optim); a side that was not run for a case is null, never a guess, and so is a
 * native time whose losses disagreed with tandem's.
 */
export interface BenchDocument {
  readonly torch: { readonly blas: string; readonly gflops: number; readonly threads: number; readonly libraries: readonly string[] };
  readonly cases: readonly BenchCaseJson[];
}

export interface BenchCaseJson {
  readonly case: string;
  readonly id: string;
  readonly ort_ms: number;
  readonly tfjs_ms: number;
  readonly torch_ms: number | null;
  readonly torch_native_ms: number | null;
  /** ORT forward time of the same batch. */
  readonly forward_ms: number | null;
  /** Matmul FLOPs of one forward pass. */
  readonly flops: number | null;
}

export function benchDocument(torch: TorchBlas, cases: readonly BenchCaseJson[]): BenchDocument {
  return { torch: { blas: torch.blas, gflops: torch.gflops, threads: torch.threads, libraries: torch.libraries }, cases };
}

export function trainCaseJson(r: TrainBenchRow): BenchCaseJson {
  return { case: r.kind, id: r.id, ort_ms: r.ortStepMs, tfjs_ms: r.tfjsStepMs, torch_ms: null, torch_native_ms: r.torchStepMs, forward_ms: r.ortForwardMs, flops: r.flops };
}

export function workloadCaseJson(r: WorkloadBenchRow): BenchCaseJson {
  return { case: r.workload, id: r.id, ort_ms: r.ortStepMs, tfjs_ms: r.tfjsStepMs, torch_ms: r.torchStepMs, torch_native_ms: r.nativeStepMs, forward_ms: null, flops: null };
}
