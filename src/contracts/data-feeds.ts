import { isFloat } from '../graph/dtype.ts';
import type { Graph } from '../graph/ir.ts';
import { fmtShape, sameShape } from '../graph/shape-utils.ts';
import { tensor, type Tensor } from '../graph/tensor.ts';
import type { TrainingProgram } from '../train/program.ts';
import type { BatchFeed } from './backend.ts';
import { evaluationMask } from './dropout-masks.ts';

/**
 * The batch tensors `graph` reads among `program`'s data inputs and Dropout masks, checked against what the
 * graph declares: each is present with the declared shape, and float data of another float dtype is converted on
 * the host (the program's float dtype wins). Any other mismatch is an error naming the graph and the data key.
 * A mask the batch does not carry is ones (evaluation: Dropout is the identity). `graph` may be built at another
 * batch size than `program`; the shapes checked are the graph's.
 */
export function graphDataFeeds(graph: Graph, program: TrainingProgram, batch: BatchFeed): Map<string, Tensor> {
  const feeds = new Map<string, Tensor>();
  const masks = new Set(program.dropoutMasks.map((m) => m.name));
  for (const input of [...program.dataInputs, ...program.dropoutMasks]) {
    if (!graph.inputs.some((i) => i.name === input.name)) continue;
    const declared = graph.value(input.name);
    const t = batch.get(input.name) ?? (masks.has(input.name) ? evaluationMask(declared) : undefined);
    if (!t) throw new Error(`graph "${graph.name}" needs the data key "${input.name}", which the batch lacks (batch keys: ${[...batch.keys()].join(', ')})`);
    if (!sameShape(t.shape, declared.shape)) {
      throw new Error(`graph "${graph.name}": data "${input.name}" has shape ${fmtShape(t.shape)}, the program was built for ${fmtShape(declared.shape)}`);
    }
    if (t.dtype === declared.dtype) feeds.set(input.name, t);
    else if (isFloat(t.dtype) && isFloat(declared.dtype)) feeds.set(input.name, tensor(declared.dtype, t.shape, t.data as Float64Array));
    else throw new Error(`graph "${graph.name}": data "${input.name}" is ${t.dtype}, the program expects ${declared.dtype}`);
  }
  return feeds;
}

/** Float data cast to the program dtype, as every backend does on the host; Dropout masks not fed are ones. */
export function castFeeds(program: TrainingProgram, batch: BatchFeed): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  for (const input of program.dataInputs) {
    const t = batch.get(input.name);
    if (!t) throw new Error(`the batch lacks the data key "${input.name}" (batch keys: ${[...batch.keys()].join(', ')})`);
    const float = input.dtype === 'float32' || input.dtype === 'float64';
    out.set(input.name, float && t.dtype !== input.dtype ? tensor(input.dtype, t.shape, t.data as Float64Array) : t);
  }
  for (const m of program.dropoutMasks) {
    const t = batch.get(m.name);
    const input = { name: m.name, dtype: program.spec.dtype, shape: m.shape };
    out.set(m.name, t ? tensor(input.dtype, t.shape, t.data as Float64Array) : evaluationMask(input));
  }
  return out;
}
