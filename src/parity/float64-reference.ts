import { tensor, type Tensor } from '../graph/tensor.ts';
import { buildTrainingProgram, type TrainingProgram } from '../train/program.ts';
import type { ParityExperiment } from './experiment.ts';

/**
 * The unmodified program in float64, starting from the float32 program's initial state (cast exactly), so the
 * float64 arbiter re-runs a stage "from the same state": the seeded float32 parameters, not a float64 draw of
 * the same seed. Data is cast to float64 by the reference on the host (exact).
 */
export function float64Program(experiment: ParityExperiment, float32: TrainingProgram): TrainingProgram {
  const program = buildTrainingProgram(experiment.programSpec('float64'), float32.batchSize);
  const initial = toFloat64(float32.initialState());
  return { ...program, initialState: () => new Map(initial) };
}

export function toFloat64(state: ReadonlyMap<string, Tensor>): Map<string, Tensor> {
  return new Map([...state].map(([k, t]) => [k, t.dtype === 'float32' ? tensor('float64', t.shape, Float64Array.from(t.data as Float32Array)) : t]));
}
