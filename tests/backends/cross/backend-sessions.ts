import type { Session } from '../../../src/plugins/backends/backend.ts';
import { ortBackend } from '../../../src/plugins/backends/onnxruntime/ort-backend.ts';
import { tfjsBackend } from '../../../src/plugins/backends/tfjs/tfjs-backend.ts';
import type { TrainingProgram } from '../../../src/train/program.ts';

/** The backends that run tandem's own graphs (autodiff + optimizer ops); torch is what they are checked against. */
export const GRAPH_BACKENDS = ['onnxruntime', 'tfjs'] as const;
export type GraphBackend = (typeof GRAPH_BACKENDS)[number];

/** A session of `program` on one graph backend: ORT with one thread, tfjs on wasm (the default device here). */
export async function compileOn(backend: GraphBackend, program: TrainingProgram): Promise<Session> {
  return backend === 'onnxruntime'
    ? (await ortBackend.create(ortBackend.params.parse({ threads: 1, dtype: program.spec.dtype }))).compile(program)
    : (await tfjsBackend.create(tfjsBackend.params.parse({ device: 'wasm' }))).compile(program);
}
