import { readNpzFile } from '../../data/npz.ts';
import { tensor, type Tensor } from '../../graph/tensor.ts';
import type { DType } from '../../graph/dtype.ts';
import { compareTensors } from '../../parity/compare-tensors.ts';
import { fromJsonFloat, type Tolerance, type Verdict } from '../../parity/report.ts';
import type { PluginDefinition } from '../../contracts/plugin.ts';
import { buildTrainingProgram } from '../../train/program.ts';
import { setUpParity } from '../parity/parity-setup.ts';

/**
 * The zoo's `export` stage: tandem's forward at the exported weights, on the input torch exported with, equals the
 * torch **module's own** output (saved by export_zoo.py). Parity cannot see an import mistake (a wrong fold, a
 * misread attribute): its reference interprets tandem's imported graph, so both sides would share it.
 *
 * Tolerance: two engines, each summing a deep network in its own order (torch's module even runs BatchNorm
 * unfolded where the eval export folded it into the Conv weights), agree to float32 rounding grown over depth,
 * and that rounding is relative to the size of what is summed, not of each output: an output near 0 among
 * outputs of 30 (efficientnet's logits) carries the rounding of 30. So atol is 1e-5 times the outputs' largest
 * magnitude (at least 1e-5). An import mistake is off by far more (a misread Resize mode: 0.3 on outputs of 0.5).
 * The measured largest difference is kept with every verdict.
 */
export const EXPORT_TOLERANCE = { rtol: 1e-4, atolPerScale: 1e-5 } as const;

export interface ExportCheck {
  readonly verdict: Verdict;
  /** max |tandem − torch module| over the output. */
  readonly maxAbs: number;
  /** max |torch module's output|: what maxAbs is small against (an output near 0 would make the check vacuous). */
  readonly outputScale: number;
  /** Why it failed: a shape or dtype, or where the values differ. */
  readonly problem?: string;
}

/** Runs the check on each backend; an import refusal propagates (the row is `refused`). */
export async function checkExport(configFile: string, expectedFile: string, model: string, backends: readonly string[], builtins: readonly PluginDefinition[]): Promise<Record<string, ExportCheck>> {
  const arrays = readNpzFile(expectedFile).arrays;
  const get = (key: string): Tensor => {
    const a = arrays.get(`${model}.${key}`);
    if (!a) throw new Error(`${expectedFile} has no "${model}.${key}": the exporter did not save what the module computed`);
    return tensor(a.dtype as DType, a.shape, a.data as never);
  };
  const x = get('x');
  const y = get('y');
  const outputScale = (y.data as Float32Array).reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const tol: Tolerance = { rtol: EXPORT_TOLERANCE.rtol, atol: EXPORT_TOLERANCE.atolPerScale * Math.max(1, outputScale), source: 'zoo export check: the torch module vs tandem, float32 over a deep network' };
  const setup = await setUpParity({ configFile, overrides: [], builtins });
  const program = buildTrainingProgram(setup.experiment.programSpec('float32'), x.shape[0]);
  // The loss target is a data input too; the forward graph does not read it.
  const feed = new Map(program.dataInputs.map((i) => [i.name, i.name === 'x' ? x : tensor(i.dtype, i.shape)]));
  const checks: Record<string, ExportCheck> = {};
  for (const name of backends) {
    const session = await (await setup.createBackend(name)).compile(program);
    try {
      const got = (await session.forward(feed)).get('y_hat');
      const c = compareTensors('y_hat', 'output', got, y, tol);
      const maxAbs = c.metrics ? fromJsonFloat(c.metrics.maxAbs) : Number.NaN;
      const where = c.metrics && !c.metrics.allclose ? `${c.metrics.outside} of ${c.metrics.count} outputs differ from the torch module's beyond rtol ${tol.rtol}, atol ${tol.atol.toPrecision(3)} (max abs ${maxAbs.toExponential(2)} at [${c.metrics.worstIndex.join(', ')}])` : undefined;
      const problem = c.problem ?? where;
      checks[name] = { verdict: c.verdict, maxAbs, outputScale, ...(problem ? { problem } : {}) };
    } finally {
      await session.dispose();
    }
  }
  return checks;
}
