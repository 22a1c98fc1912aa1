import type { Session } from '../../../src/contracts/backend.ts';
import { ortBackend } from '../../../src/plugins/backends/onnxruntime/ort-backend.ts';
import { tfjsBackend } from '../../../src/plugins/backends/tfjs/tfjs-backend.ts';
import { cutDerivatives } from '../../../src/contracts/derivative-terms.ts';
import type { OptionSection } from '../../../src/plugins/backends/torch/protocol.ts';
import type { TorchReference, TorchTrainer } from '../../../src/plugins/backends/torch/torch-reference.ts';
import { LOSS_OUTPUT, type TrainingProgram } from '../../../src/train/program.ts';

/** The backends that run tandem's own graphs (autodiff + optimizer ops); torch is what they are checked against. */
export const GRAPH_BACKENDS = ['onnxruntime', 'tfjs'] as const;
export type GraphBackend = (typeof GRAPH_BACKENDS)[number];

/** A session of `program` on one graph backend: ORT with one thread, tfjs on wasm (the default device here). */
export async function compileOn(backend: GraphBackend, program: TrainingProgram): Promise<Session> {
  return backend === 'onnxruntime'
    ? (await ortBackend.create(ortBackend.params.parse({ threads: 1, dtype: program.spec.dtype }))).compile(program)
    : (await tfjsBackend.create(tfjsBackend.params.parse({ device: 'wasm' }))).compile(program);
}

/**
 * A torch.optim trainer (optionally with its own lr_scheduler) on the program's loss graph, from the program's
 * initial parameters: torch decides everything after that, for the tests that let torch drive a whole trajectory.
 */
export async function torchTrainer(ref: TorchReference, program: TrainingProgram, optimizer: OptionSection, schedule?: OptionSection): Promise<{ trainer: TorchTrainer; release: () => Promise<void> }> {
  const model = await ref.load(cutDerivatives(program.graphs.loss, program.derivatives), program.derivatives);
  const init = program.initialState();
  const trainer = await ref.trainer(model, {
    params: new Map(program.params.map((p) => [p.name, init.get(p.name)!])),
    loss: LOSS_OUTPUT,
    optimizer,
    ...(schedule ? { schedule } : {}),
  });
  return { trainer, release: () => ref.release(model.graph) };
}
