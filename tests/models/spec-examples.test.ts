import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { builtinPlugins } from '../../src/plugins/index.ts';

// Every ```yaml block of specs/models.md is a model section its plugin's schema must accept.
const spec = readFileSync(new URL('../../specs/models.md', import.meta.url), 'utf8');
const blocks = [...spec.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => parse(m[1]) as { name: string; params: unknown });

describe('specs/models.md examples', () => {
  it('has examples to check', () => expect(blocks.length).toBeGreaterThanOrEqual(2));
  blocks.forEach((block, i) => {
    it(`example ${i + 1} (${block.name}) is a valid model section`, async () => {
      const plugin = builtinPlugins.find((p) => p.kind === 'model' && p.name === block.name);
      expect(plugin, `no model plugin named ${block.name}`).toBeDefined();
      const instance = await plugin!.create(plugin!.params.parse(block.params));
      expect(instance.effectiveSettings()).toMatchObject(block.params as object);
    });
  });
});
