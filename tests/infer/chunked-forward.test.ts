import { describe, expect, it } from 'vitest';
import { tensor, type Tensor } from '../../src/graph/tensor.ts';
import type { BatchFeed, Session } from '../../src/contracts/backend.ts';
import { forwardInChunks } from '../../src/train/checkpoint/chunked-forward.ts';

/** A session compiled for batch 4 whose forward doubles x row by row, and refuses any other batch size. */
function fixedBatchSession(calls: number[][]): Session {
  return {
    forward: async (feed: BatchFeed) => {
      const x = feed.get('x')!;
      if (x.shape[0] !== 4) throw new Error(`compiled for batch 4, fed ${x.shape[0]}`);
      calls.push(Array.from(x.data as Float32Array));
      return new Map([['y', tensor('float32', x.shape, Array.from(x.data as Float32Array, (v) => 2 * v))]]);
    },
  } as unknown as Session;
}

describe('forwardInChunks: inference on a model with a fixed batch size', () => {
  it('cuts 10 samples into chunks of 4, pads the last with zeros, and returns the 10 outputs in order', async () => {
    const calls: number[][] = [];
    const x = tensor('float32', [10, 2], Array.from({ length: 20 }, (_, i) => i + 1));
    const constant: Tensor = tensor('float32', [3], [7, 8, 9]);
    const out = await forwardInChunks(fixedBatchSession(calls), new Map([['x', x], ['c', constant]]), 10, 4);
    expect(calls.map((c) => c.length)).toEqual([8, 8, 8]);
    expect(calls[2]).toEqual([17, 18, 19, 20, 0, 0, 0, 0]);
    expect(out.get('y')!.shape).toEqual([10, 2]);
    expect(Array.from(out.get('y')!.data as Float32Array)).toEqual(Array.from({ length: 20 }, (_, i) => 2 * (i + 1)));
  });
});
