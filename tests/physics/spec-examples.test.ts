import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { burgersAdapter } from '../../src/plugins/adapters/burgers/burgers-adapter.ts';
import { darcyAdapter } from '../../src/plugins/adapters/darcy/darcy-adapter.ts';

/** Every ```yaml block of specs/physics-data.md is an adapter section: parse it, construct it, use it. */
const spec = readFileSync(new URL('../../specs/physics-data.md', import.meta.url), 'utf8');
const blocks = [...spec.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => parse(m[1]) as { adapter: { name: string; params: Record<string, unknown> } });
const dir = mkdtempSync(join(tmpdir(), 'tandem-physics-spec-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('specs/physics-data.md examples', () => {
  it('has one example per adapter', () => {
    expect(blocks.map((b) => b.adapter.name).sort()).toEqual(['burgers', 'darcy']);
  });

  for (const [i, block] of blocks.entries()) {
    it(`the ${block.adapter.name} example validates, constructs and yields batches`, async () => {
      const plugin = { burgers: burgersAdapter, darcy: darcyAdapter }[block.adapter.name]!;
      // The example's cache_dir is where a user's cache goes; the test writes to a temporary one instead.
      const params = plugin.params.parse({ ...block.adapter.params, cache_dir: join(dir, String(i)) });
      const adapter = await plugin.create(params as never);
      const data = adapter.container();
      expect(data.split.train.length).toBeGreaterThan(0);
      expect(data.split.validation.length).toBeGreaterThan(0);
      const [first] = data.epoch('train', { batchSize: 2, seed: 0, epoch: 0 });
      expect(first.samples.length).toBe(2);
    });
  }
});
