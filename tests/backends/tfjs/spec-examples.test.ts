import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { tfjsBackend } from '../../../src/plugins/backends/tfjs/tfjs-backend.ts';

// Every ```yaml block of specs/tfjs-backend.md is a backend section the plugin's schema must accept.
const spec = readFileSync(new URL('../../../specs/tfjs-backend.md', import.meta.url), 'utf8');
const blocks = [...spec.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => parse(m[1]) as { name: string; params: unknown });

describe('specs/tfjs-backend.md examples', () => {
  it('has examples to check', () => expect(blocks.length).toBeGreaterThanOrEqual(2));
  blocks.forEach((block, i) => {
    it(`example ${i + 1} is a valid tfjs backend section`, () => {
      expect(block.name).toBe(tfjsBackend.name);
      expect(() => tfjsBackend.params.parse(block.params)).not.toThrow();
    });
  });
});
