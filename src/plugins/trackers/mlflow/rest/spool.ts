import { appendFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../../../../util/atomic-write.ts';
import type { KeyValue, RunStatusName } from '../tracking-sink.ts';
import { TrackerError } from '../tracker-error.ts';
import type { WireMetric } from './rest-client.ts';

/** Everything the REST sink still owes the server, in the order it was logged. */
export type SpoolRecord =
  | ({ readonly kind: 'metric' } & WireMetric)
  | ({ readonly kind: 'param' } & KeyValue)
  | ({ readonly kind: 'tag' } & KeyValue)
  | { readonly kind: 'artifact'; readonly file: string; readonly path: string }
  | { readonly kind: 'close'; readonly status: RunStatusName; readonly end_time: number };

/**
 * The REST sink's buffer: in memory for sending, mirrored line by line (JSON lines) to a file in the run
 * directory, so records the server has not acknowledged survive a crash during an outage. Appends are
 * synchronous (an `exit` handler can still add the final status); acknowledged records are removed by rewriting
 * the file, and an empty spool leaves no file behind.
 */
export class Spool {
  private records: SpoolRecord[] = [];

  constructor(readonly file: string) {}

  /**
   * The spool a run left behind, to send it later (`tandem tracker replay`). A torn last line (the process died in
   * the middle of an append) is dropped: its record was never acknowledged, and nothing after it was written.
   */
  static load(file: string): Spool {
    const spool = new Spool(file);
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((line, i) => {
      if (line.trim() === '') return;
      try {
        spool.records.push(JSON.parse(line) as SpoolRecord);
      } catch (error) {
        if (lines.slice(i + 1).some((l) => l.trim() !== '')) {
          throw new TrackerError(`The MLflow spool file ${file} is damaged at line ${i + 1} (${(error as Error).message}); it cannot be replayed.`, { cause: error });
        }
      }
    });
    return spool;
  }

  get size(): number {
    return this.records.length;
  }

  peek(): readonly SpoolRecord[] {
    return this.records;
  }

  push(records: readonly SpoolRecord[]): void {
    if (records.length === 0) return;
    this.records.push(...records);
    this.write(() => {
      mkdirSync(dirname(this.file), { recursive: true });
      appendFileSync(this.file, records.map((r) => `${JSON.stringify(r)}\n`).join(''));
    });
  }

  /** The first `count` records reached the server. */
  acknowledge(count: number): void {
    this.records.splice(0, count);
    this.write(() =>
      this.records.length === 0 ? rmSync(this.file, { force: true }) : writeFileAtomic(this.file, this.records.map((r) => `${JSON.stringify(r)}\n`).join('')),
    );
  }

  private write(io: () => void): void {
    try {
      io();
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      throw new TrackerError(`Cannot write the MLflow spool file ${this.file} (${e.code ?? e.message}); the run directory must be writable.`, { cause: error });
    }
  }
}
