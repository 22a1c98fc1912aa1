import type { GraphBuilder, Value } from '../../../graph/builder.ts';
import { tensor } from '../../../graph/tensor.ts';

/**
 * Runs a graph that computes batch `fixed` only (a static export with the batch baked in) on a batch of `n`:
 * every input whose axis 0 is the batch is padded with zeros to k·fixed samples and cut into k chunks,
 * `body` imports the graph once per chunk (the chunks share the parameters), and each output is the chunks'
 * outputs concatenated and cut back to n. The padding never reaches a loss, so values and gradients are those of
 * the n real samples, exactly.
 */
export function inChunks(g: GraphBuilder, inputs: ReadonlyMap<string, Value>, n: number, fixed: number, body: (chunk: Map<string, Value>, k: number) => Map<string, Value>): Map<string, Value> {
  const k = Math.ceil(n / fixed);
  const batched = (v: Value) => v.shape[0] === n;
  const padded = new Map(
    [...inputs].map(([name, v]): [string, Value] => {
      if (!batched(v) || k * fixed === n) return [name, v];
      const zeros = g.constant(tensor(v.dtype, [k * fixed - n, ...v.shape.slice(1)]));
      return [name, g.concat([v, zeros], 0)];
    }),
  );
  const outs = Array.from({ length: k }, (_, c) =>
    body(new Map([...padded].map(([name, v]): [string, Value] => [name, batched(inputs.get(name)!) ? g.slice(v, [c * fixed], [(c + 1) * fixed], [0]) : v])), c),
  );
  return new Map(
    [...outs[0].keys()].map((name): [string, Value] => {
      const whole = k === 1 ? outs[0].get(name)! : g.concat(outs.map((o) => o.get(name)!), 0);
      return [name, k * fixed === n ? whole : g.slice(whole, [0], [n], [0])];
    }),
  );
}
