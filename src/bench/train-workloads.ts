import type { Value } from '../graph/builder.ts';
import { tensor } from '../graph/tensor.ts';
import { rngFor } from '../data/rng.ts';
import { builtinPlugins } from '../orchestrator/composition-root.ts';
import { constructPlugin } from '../orchestrator/plugins/construct-plugin.ts';
import { dataTerm } from '../train/losses/data/data-terms.ts';
import type { LossBuilder, LossScope } from '../train/loss-scope.ts';
import { pdeResidualLoss } from '../train/losses/equations/pde-residual.ts';
import { createOptimizer } from '../train/optimizers/create-optimizer.ts';
import type { DataInputSpec, ProgramSpec } from '../train/program.ts';

/**
 * The `tandem bench train` workloads. Each is an MLP on (x, y, t) ∈ [0, 1]³ with a tanh trunk and Adam:
 *   mlp:  MSE against a 2-component target u;
 *   pinn: the Poisson residual of the first output component, mean((∂²u₀/∂x² + ∂²u₀/∂y² − f)²): two input
 *         derivatives of second order, then the parameter gradient through them (third-order graph).
 * The torch side (train_torch.py) builds the same network with nn.Linear and computes the same loss with
 * torch.autograd.grad(create_graph=True).
 */
export type WorkloadKind = 'mlp' | 'pinn';

export interface BenchCase {
  readonly id: string;
  readonly kind: WorkloadKind;
  readonly widths: readonly number[];
  readonly batch: number;
}

export const IN_FEATURES = 3;
export const OUT_FEATURES = 2;
export const BENCH_LR = 1e-3;

export function benchCase(kind: WorkloadKind, hidden: readonly number[], batch: number): BenchCase {
  const widths = [IN_FEATURES, ...hidden, OUT_FEATURES];
  return { id: `${kind} ${widths.join('→')} b${batch}`, kind, widths, batch };
}

/** Workloads 1 and 2 (the headline), then batch, width and depth scaling of workload 1. */
export function benchCases(scaling: boolean): BenchCase[] {
  const base = [64, 64, 64];
  const cases = [benchCase('mlp', base, 1000), benchCase('pinn', base, 1000)];
  if (!scaling) return cases;
  for (const b of [32, 128, 512, 4096]) cases.push(benchCase('mlp', base, b));
  for (const w of [32, 128, 256]) cases.push(benchCase('mlp', [w, w, w], 1000));
  for (const d of [1, 6]) cases.push(benchCase('mlp', Array(d).fill(64), 1000));
  return cases;
}

export async function programSpec(c: BenchCase, seed: number): Promise<ProgramSpec> {
  const model = await constructPlugin(builtinPlugins, 'model', 'mlp', { input: 'x', output: 'out', in_features: IN_FEATURES, hidden: c.widths.slice(1, -1), out_features: OUT_FEATURES, activation: 'tanh' });
  const inputs: Record<string, DataInputSpec> =
    c.kind === 'mlp'
      ? { x: { dtype: 'float32', shape: [IN_FEATURES], perSample: true }, u: { dtype: 'float32', shape: [OUT_FEATURES], perSample: true } }
      : { x: { dtype: 'float32', shape: [IN_FEATURES], perSample: true }, f: { dtype: 'float32', shape: [1], perSample: true } };
  return {
    name: `bench-${c.kind}`,
    model,
    seed,
    dtype: 'float32',
    inputs,
    loss: c.kind === 'mlp' ? (s) => ({ data: { value: dataTerm(s.g, 'mse', s.outputs.out, s.inputs.u), weight: 1 } }) : poissonResidual(c.batch),
    optimizer: createOptimizer({ name: 'adam', lr: BENCH_LR }),
  };
}

/** mean((u₀_xx + u₀_yy − f)²) for the model output `out` [batch, 2] and coordinates `x` [batch, 3]. */
function poissonResidual(batch: number): LossBuilder {
  const column = (cols: number, j: number) => tensor('float32', [batch, cols], Array.from({ length: batch * cols }, (_, i) => (i % cols === j ? 1 : 0)));
  return (s: LossScope) => {
    const x = s.inputs.x;
    // ∇u₀ and the Hessian rows ∇(∂u₀/∂x), ∇(∂u₀/∂y) (reverse-over-reverse: faster than Taylor mode here).
    const { rows: [hx, hy] } = s.hessianRows(s.outputs.out, x, column(OUT_FEATURES, 0), [0, 1]);
    const g = s.g;
    const col = (v: Value, j: number) => g.op1('Slice', [v, g.ints([j]), g.ints([j + 1]), g.ints([1])]);
    const residual = g.sub(g.add(col(hx, 0), col(hy, 1)), s.inputs.f);
    return { pde: { value: pdeResidualLoss(g, residual), weight: 1 } };
  };
}

/** K distinct batches, cycled by both sides: x uniform in [0,1]³, targets a smooth function of x. */
export function benchBatches(c: BenchCase, count: number, seed: number): { x: Float32Array; target: Float32Array; targetWidth: number } {
  const r = rngFor(seed, 'bench', c.kind, c.batch);
  const n = count * c.batch;
  const x = new Float32Array(n * IN_FEATURES);
  for (let i = 0; i < x.length; i++) x[i] = r.uniform();
  const targetWidth = c.kind === 'mlp' ? OUT_FEATURES : 1;
  const target = new Float32Array(n * targetWidth);
  for (let i = 0; i < n; i++) {
    const [a, b, t] = [x[3 * i], x[3 * i + 1], x[3 * i + 2]];
    const s = Math.sin(Math.PI * a) * Math.sin(Math.PI * b);
    if (c.kind === 'mlp') target.set([s * Math.exp(-t), Math.cos(Math.PI * a) * t], 2 * i);
    else target[i] = -2 * Math.PI * Math.PI * s; // f of u = sin(πx)·sin(πy)
  }
  return { x, target, targetWidth };
}
