import type { Graph } from '../graph/ir.ts';
import type { Tensor } from '../graph/tensor.ts';
import type { BatchFeed } from '../plugins/backends/backend.ts';
import { runOnOrt } from '../plugins/backends/onnxruntime/ort-run.ts';
import type { TrainingProgram } from '../train/program.ts';
import { castFeeds } from './reference/live-torch.ts';

/**
 * Localization needs values the Session contract does not expose (loss-graph intermediates, input
 * derivatives, adjoints). Those graphs run on onnxruntime, tandem's executor of record, at the initial state;
 * every record made this way says so in its `method`.
 */
export function initialFeeds(program: TrainingProgram, batch: BatchFeed): Map<string, Tensor> {
  const init = program.initialState();
  return new Map<string, Tensor>([...castFeeds(program, batch), ...program.params.map((p) => [p.name, init.get(p.name)!] as const)]);
}

/** Runs `graph` on onnxruntime with the feeds it declares as inputs (extra feeds are ignored). */
export async function runOnExecutor(graph: Graph, feeds: ReadonlyMap<string, Tensor>): Promise<Map<string, Tensor>> {
  const own = Object.fromEntries([...feeds].filter(([k]) => graph.inputs.some((i) => i.name === k)));
  return new Map(Object.entries(await runOnOrt(graph, own)));
}
