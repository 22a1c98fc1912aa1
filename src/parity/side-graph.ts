import type { Tensor } from '../graph/tensor.ts';
import type { BatchFeed } from '../contracts/backend.ts';
import type { TrainingProgram } from '../train/program.ts';
import { castFeeds } from '../contracts/data-feeds.ts';

/**
 * Localization needs values the Session contract does not expose (loss-graph intermediates, input
 * derivatives, adjoints). Those graphs run on the localizer, a backend's GraphExecutor (onnxruntime, tandem's
 * executor of record, in every parity run), at the initial state (parameters and buffers); every record made this way says so in its `method`.
 */
export function initialFeeds(program: TrainingProgram, batch: BatchFeed): Map<string, Tensor> {
  const init = program.initialState();
  return new Map<string, Tensor>([...castFeeds(program, batch), ...[...program.params, ...program.buffers].map((p) => [p.name, init.get(p.name)!] as const)]);
}
