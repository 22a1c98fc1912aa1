import { allocate } from '../../graph/dtype.ts';
import type { Tensor } from '../../graph/tensor.ts';
import type { BatchFeed, Session } from '../../contracts/backend.ts';

/**
 * The forward of `batch` samples on a session compiled for batch `size` (a model with a fixed batch size): each
 * fed tensor whose axis 0 is the batch is cut into chunks of `size`, the last one padded with zero samples, and
 * the outputs are joined along axis 0 with the padding cut off. Samples never mix, so this is the forward of the
 * whole batch.
 */
export async function forwardInChunks(session: Session, feed: BatchFeed, batch: number, size: number): Promise<Map<string, Tensor>> {
  const parts: Map<string, Tensor>[] = [];
  for (let start = 0; start < batch; start += size) {
    const chunk = new Map([...feed].map(([k, t]): [string, Tensor] => [k, t.shape[0] === batch ? rows(t, start, size) : t]));
    parts.push(await session.forward(chunk));
  }
  return new Map([...parts[0].keys()].map((k): [string, Tensor] => [k, joinRows(parts.map((p) => p.get(k)!), batch)]));
}

/** Samples [start, start + count) of a batch-major tensor, zeros past its end. */
function rows(t: Tensor, start: number, count: number): Tensor {
  const per = t.data.length / t.shape[0];
  const data = allocate(t.dtype, count * per);
  const end = Math.min(t.shape[0], start + count);
  (data as { set(a: ArrayLike<number | bigint>): void }).set(t.data.subarray(start * per, end * per));
  return { dtype: t.dtype, shape: [count, ...t.shape.slice(1)], data };
}

/** The chunks' rows one after another, the first `batch` of them. */
function joinRows(chunks: readonly Tensor[], batch: number): Tensor {
  const [first] = chunks;
  const per = first.data.length / first.shape[0];
  const data = allocate(first.dtype, batch * per);
  let at = 0;
  for (const c of chunks) {
    const take = Math.min(c.data.length, (batch - at / per) * per);
    (data as { set(a: ArrayLike<number | bigint>, offset: number): void }).set(c.data.subarray(0, take), at);
    at += take;
  }
  return { dtype: first.dtype, shape: [batch, ...first.shape.slice(1)], data };
}
