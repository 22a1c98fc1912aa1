import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { trainSchema } from '../../src/orchestrator/config/train-schema.ts';
import { resultTable } from '../../src/train/results.ts';

// specs/results.md: its examples are checked here so the page cannot drift from the code.
const spec = readFileSync('specs/results.md', 'utf8');
const block = (lang: string) => [...spec.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]);

describe('specs/results.md examples', () => {
  it('the train: section example is valid config', () => {
    const [yaml] = block('yaml');
    const parsed = trainSchema.parse(parse(yaml).train);
    expect(Object.keys(parsed.loss!)).toEqual(['data']);
    expect(parsed.schedule_interval).toBe('epoch');
  });

  it('the result table has the layout resultTable prints', () => {
    const [table] = block('text');
    const final = { train: { loss: 5.4047e-3, terms: { data: 5.4047e-3 } }, validation: { loss: 6.7721e-3, terms: { data: 6.7721e-3 } } };
    expect(`${resultTable(final)}\n`).toBe(table);
  });

  it('an unknown schedule option in train.schedule is a config error naming it', () => {
    const r = trainSchema.safeParse({ epochs: 1, batch_size: 1, optimizer: { name: 'adam', lr: 1e-3 }, schedule: { name: 'cosine', T_max: 10, tmax: 3 } });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0].message).toContain('unknown option "tmax"');
  });
});
