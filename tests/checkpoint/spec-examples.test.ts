// spec: specs/checkpoints.md §1 (the yaml example is the schema's defaults, plus a monitor)
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { checkpointSchema } from '../../src/train/checkpoint/checkpoint-options.ts';
import { trainSchema } from '../../src/orchestrator/config/train-schema.ts';

const spec = readFileSync('specs/checkpoints.md', 'utf8');

describe('specs/checkpoints.md examples', () => {
  it('the train.checkpoint example validates and spells out the defaults', () => {
    const block = /```yaml\n([\s\S]*?)```/.exec(spec)![1];
    const section = parse(block).train.checkpoint;
    expect(checkpointSchema.parse(section)).toEqual(section);
    const { monitor: _m, ...defaults } = section;
    expect(checkpointSchema.parse({})).toEqual(defaults);
    expect(() => trainSchema.parse({ epochs: 1, batch_size: 1, optimizer: { name: 'sgd', lr: 1 }, checkpoint: { every_n_step: 3 } })).toThrow(/every_n_step/);
  });
});
