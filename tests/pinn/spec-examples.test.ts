import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { pinnAdapterParams } from '../../src/plugins/adapters/pinn/pinn-adapter.ts';
import { lossTermSchema } from '../../src/train/losses/term-schema.ts';
import './helpers.ts';

// Every ```yaml block of specs/pinn.md and of the README's PINN section is valid config: adapter params checked by
// the pinn adapter's schema, loss sections by the loss-term schema (equations parsed), so the docs cannot rot.
const blocks = (text: string) => [...text.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => parse(m[1]) as Record<string, { params?: unknown; loss?: Record<string, unknown> }>);
const readme = readFileSync('README.md', 'utf8');
const section = readme.slice(readme.indexOf('## PINNs written as equations'), readme.indexOf('\n## ', readme.indexOf('## PINNs written as equations') + 3));

describe('the PINN docs examples are valid config', () => {
  it.each([['specs/pinn.md', readFileSync('specs/pinn.md', 'utf8')], ['README.md', section]])('%s', (_, text) => {
    const found = blocks(text);
    expect(found.length).toBeGreaterThan(0);
    for (const b of found) {
      if (b.adapter) expect(() => pinnAdapterParams.parse(b.adapter.params)).not.toThrow();
      for (const term of Object.values(b.train?.loss ?? {})) expect(lossTermSchema.safeParse(term).success, JSON.stringify(term)).toBe(true);
    }
  });
});
