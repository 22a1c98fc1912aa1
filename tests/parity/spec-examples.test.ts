import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { paritySectionSchema, paritySettings } from '../../src/parity/parity-config.ts';
import { DEFAULT_TOLERANCES } from '../../src/parity/tolerances.ts';
import { MUTATIONS } from './mutations.ts';

// spec: specs/parity.md — its config example, tolerance table and mutation table are checked here, so the document cannot rot.
const spec = readFileSync('specs/parity.md', 'utf8');
const section = (title: string) => spec.slice(spec.indexOf(title), spec.indexOf('\n## ', spec.indexOf(title) + 1));
const tableRows = (text: string) =>
  text
    .split('\n')
    .filter((l) => l.startsWith('| ') && !l.startsWith('|---'))
    .slice(1)
    .map((l) => l.split('|').slice(1, -1).map((c) => c.trim()));

describe('specs/parity.md', () => {
  it('the config example is a valid parity section', () => {
    const yaml = /```yaml\n([\s\S]*?)```/.exec(section('## Config'))![1];
    const parsed = paritySectionSchema.parse(parse(yaml).parity);
    expect(paritySettings(parsed).tolerances.gradients?.float32).toEqual({ rtol: 1e-4, atol: 1e-5 });
  });

  it('the tolerance table is the default table', () => {
    const rows = tableRows(section('## Tolerances'));
    expect(rows.map((r) => r[0])).toEqual(Object.keys(DEFAULT_TOLERANCES));
    for (const [stage, f32, f64] of rows) {
      const pair = (text: string) => text.split('/').map((x) => Number(x.trim()));
      const d = DEFAULT_TOLERANCES[stage as keyof typeof DEFAULT_TOLERANCES];
      expect(pair(f32), stage).toEqual([d.float32.rtol, d.float32.atol]);
      expect(pair(f64), stage).toEqual([d.float64.rtol, d.float64.atol]);
    }
  });

  it('the mutation table lists the mutation suite with its expected stages', () => {
    const rows = tableRows(section('## Mutation suite'));
    expect(rows.map((r) => r[1])).toEqual(MUTATIONS.map((m) => m.expected));
  });
});
