import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseLbfgsOptions } from '../../src/train/lbfgs/lbfgs-options.ts';
import { parseClipGradNormOptions, parseOptimizerOptions } from '../../src/train/optimizers/optimizer-options.ts';
import { parseScheduleOptions, SCHEDULE_SCHEMAS } from '../../src/train/schedules/schedule-options.ts';

// Every ```json block of specs/training.md must be a valid section for the parser its shape calls for.
const spec = readFileSync(new URL('../../specs/training.md', import.meta.url), 'utf8');
const blocks = [...spec.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]) as Record<string, unknown>);

function parserFor(block: Record<string, unknown>): (raw: unknown) => unknown {
  if (!('name' in block)) return parseClipGradNormOptions;
  if (block.name === 'lbfgs') return parseLbfgsOptions;
  return typeof block.name === 'string' && block.name in SCHEDULE_SCHEMAS ? parseScheduleOptions : parseOptimizerOptions;
}

describe('specs/training.md examples', () => {
  it('has examples to check', () => expect(blocks.length).toBeGreaterThanOrEqual(6));
  blocks.forEach((block, i) => {
    it(`example ${i + 1} (${String(block.name ?? 'clip')}) parses`, () => {
      expect(() => parserFor(block)(block)).not.toThrow();
    });
  });
});
