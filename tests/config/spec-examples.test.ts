// spec: specs/config-handshake.md §3 — the value table in the spec is executed here, so the document cannot rot.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resolveInterpolations } from '../../src/orchestrator/config/interpolate.ts';
import { OriginMap } from '../../src/orchestrator/config/origins.ts';
import { parseOverrideValue } from '../../src/orchestrator/config/override-value.ts';

const spec = readFileSync('specs/config-handshake.md', 'utf8');
const section = spec.slice(spec.indexOf('## §3'), spec.indexOf('## §4'));
const rows = [...section.matchAll(/^\| `(.*)` \| `(.*)` \|$/gm)].map((m) => [m[1], m[2]] as const);

function expected(text: string): unknown {
  const special: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };
  return text in special ? special[text] : JSON.parse(text);
}

describe('override value examples in the spec', () => {
  it('the table is there', () => {
    expect(rows.length).toBeGreaterThan(15);
  });

  it.each(rows)('`%s` parses to %s', (input, output) => {
    expect(parseOverrideValue(input)).toStrictEqual([expected(output)]);
  });
});

// spec: specs/config-handshake.md §2.1 — the interpolation table, resolved in the config the spec describes.
const interpolationSection = spec.slice(spec.indexOf('### §2.1'), spec.indexOf('## §3'));
const interpolationRows = [...interpolationSection.matchAll(/^\| `(.*)` \| `(.*)` \|$/gm)].map((m) => [m[1], m[2]] as const);

describe('interpolation examples in the spec', () => {
  it('the table is there', () => {
    expect(interpolationRows.length).toBeGreaterThan(8);
  });

  it.each(interpolationRows)('`%s` resolves to %s', (value, output) => {
    const tree = { experiment: { name: 'demo' }, train: { epochs: 4, optimizer: { lr: 0.01 }, note: value } };
    const resolved = resolveInterpolations(tree, { origins: new OriginMap(), primaryFile: 'spec.yaml', env: { RUN_ID: '7' } });
    expect((resolved.train as { note: unknown }).note).toStrictEqual(JSON.parse(output));
  });
});
