/**
 * What onnxruntime-node charges per bound tensor, the measurement behind the packed train step
 * (src/train/packed-state.ts, specs/bench.md B7). Graphs of K independent `y_i = x_i · c` over [64] float32
 * tensors, run with one thread, outputs preallocated as a train step runs them:
 *   chain:   one input, one output, K Muls in a chain   (the cost of a node)
 *   inputs:  K inputs, one output (K Muls, K−1 Adds)     (plus the cost of an input)
 *   io:      K inputs, K outputs, K Muls                  (plus the cost of an output)
 * Each graph at K = 1 and K = 101, alternated, median of 500 runs; the per-item cost is the difference / 100.
 *
 *   npx tsx scripts/bench-ort-binding.ts
 */
import * as ort from 'onnxruntime-node';
import { GraphBuilder, type Value } from '../src/graph/builder.ts';
import type { Graph } from '../src/graph/ir.ts';
import { toOnnx } from '../src/graph/onnx/to-onnx.ts';

const WIDTH = 64;

function build(kind: 'chain' | 'inputs' | 'io', k: number): Graph {
  const b = new GraphBuilder(`${kind}-${k}`);
  const c = b.scalar(1.0001);
  if (kind === 'chain') {
    let y: Value = b.input('x0', 'float32', [WIDTH]);
    for (let i = 0; i < k; i++) y = b.mul(y, c);
    b.output(y);
  } else {
    const ys = Array.from({ length: k }, (_, i) => b.mul(b.input(`x${i}`, 'float32', [WIDTH]), c));
    if (kind === 'io') ys.forEach((y) => b.output(y));
    else b.output(ys.reduce((acc, y) => b.add(acc, y)));
  }
  return b.build();
}

async function timed(graph: Graph): Promise<() => Promise<number>> {
  const session = await ort.InferenceSession.create(toOnnx(graph), { intraOpNumThreads: 1 });
  const feeds = Object.fromEntries(graph.inputs.map((i) => [i.name, new ort.Tensor('float32', new Float32Array(WIDTH).fill(1), [WIDTH])]));
  const fetches = Object.fromEntries(graph.outputs.map((o) => [o.name, new ort.Tensor('float32', new Float32Array(WIDTH), [WIDTH])]));
  return async () => {
    const t0 = performance.now();
    await session.run(feeds, fetches);
    return performance.now() - t0;
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const ms: Record<string, number> = {};
for (const kind of ['chain', 'inputs', 'io'] as const) {
  const runs = [await timed(build(kind, 1)), await timed(build(kind, 101))];
  const samples: number[][] = [[], []];
  for (let r = 0; r < 520; r++) for (const [i, run] of runs.entries()) if (r >= 20) samples[i].push(await run());
  else await run();
  ms[kind] = (median(samples[1]) - median(samples[0])) * 10; // µs per added item: ms / 100 · 1000
  console.log(`${kind}: K=1 ${median(samples[0]).toFixed(3)} ms, K=101 ${median(samples[1]).toFixed(3)} ms`);
}
console.log(`per node ${ms.chain.toFixed(2)} µs; per input ${(ms.inputs - 2 * ms.chain).toFixed(2)} µs; per output ${(ms.io - ms.chain - (ms.inputs - 2 * ms.chain)).toFixed(2)} µs`);
