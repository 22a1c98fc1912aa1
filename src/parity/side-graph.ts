import type { Graph } from '../graph/ir.ts';
import { tensor, type Tensor } from '../graph/tensor.ts';
import type { BatchFeed } from '../contracts/backend.ts';
import type { TrainingProgram } from '../train/program.ts';
import { castFeeds, graphDataFeeds } from '../contracts/data-feeds.ts';

/**
 * Localization needs values the Session contract does not expose (loss-graph intermediates, input
 * derivatives, adjoints). Those graphs run on the localizer, a backend's GraphExecutor (onnxruntime, tandem's
 * executor of record, in every parity run), at the initial state (parameters and buffers); every record made this way says so in its `method`.
 */
export function initialFeeds(program: TrainingProgram, batch: BatchFeed): Map<string, Tensor> {
  const init = program.initialState();
  return new Map<string, Tensor>([...castFeeds(program, batch), ...[...program.params, ...program.buffers].map((p) => [p.name, init.get(p.name)!] as const)]);
}

/**
 * The feeds of `graph` (one of `program`'s graphs, or it widened to float64) at any `state`: its batch data cast to
 * the dtype the graph declares (from the batch as given, so a float64 graph gets float64 data exactly), and the
 * parameters and buffers of `state` cast the same way.
 */
export function stateFeeds(graph: Graph, program: TrainingProgram, batch: BatchFeed, state: ReadonlyMap<string, Tensor>): Map<string, Tensor> {
  const feeds = graphDataFeeds(graph, program, batch);
  for (const p of [...program.params, ...program.buffers]) {
    const t = state.get(p.name)!;
    const dtype = graph.value(p.name).dtype;
    feeds.set(p.name, t.dtype === dtype ? t : tensor(dtype, t.shape, t.data as Float64Array));
  }
  return feeds;
}
