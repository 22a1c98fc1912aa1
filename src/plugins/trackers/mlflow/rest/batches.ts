import type { KeyValue } from '../tracking-sink.ts';
import { LIMITS } from '../validation.ts';
import type { WireMetric } from './rest-client.ts';
import type { SpoolRecord } from './spool.ts';

export interface LogBatch {
  readonly metrics: WireMetric[];
  readonly params: KeyValue[];
  readonly tags: KeyValue[];
  /** How many leading spool records this batch carries. */
  readonly taken: number;
}

// run_id, the three array keys and their brackets: a generous allowance so the estimate stays under the limit.
const ENVELOPE_BYTES = 200;

/**
 * The longest prefix of `records` that fits one `runs/log-batch` request (docs/reference/ecosystem.md §1.11): at most 1000
 * metrics, 100 params, 100 tags, 1000 entities and 1 MB. Taking a prefix, not a selection, keeps the spool in
 * logged order and lets it drop exactly what was sent. Stops at the first record that is not an entity
 * (an artifact or the final status), which must wait for the entities before it. Empty when records[0] is one.
 */
export function takeBatch(records: readonly SpoolRecord[]): LogBatch {
  const batch: LogBatch = { metrics: [], params: [], tags: [], taken: 0 };
  let bytes = ENVELOPE_BYTES;
  let taken = 0;
  for (const record of records) {
    if (record.kind === 'artifact' || record.kind === 'close') break;
    const { kind, ...entity } = record;
    const size = Buffer.byteLength(JSON.stringify(entity)) + 1;
    const m = batch.metrics.length + (kind === 'metric' ? 1 : 0);
    const p = batch.params.length + (kind === 'param' ? 1 : 0);
    const t = batch.tags.length + (kind === 'tag' ? 1 : 0);
    if (m > LIMITS.metricsPerBatch || p > LIMITS.paramsPerBatch || t > LIMITS.tagsPerBatch || m + p + t > LIMITS.entitiesPerBatch) break;
    if (bytes + size > LIMITS.batchRequestBytes) break;
    bytes += size;
    taken++;
    if (kind === 'metric') batch.metrics.push(entity as WireMetric);
    else if (kind === 'param') batch.params.push(entity as KeyValue);
    else batch.tags.push(entity as KeyValue);
  }
  return { ...batch, taken };
}
