import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// specs/torch-reference.md §3 (and §9, the torch-module reference's kinds) lists every message kind;
// reference/handlers.py and its mixin module_handlers.py implement one on_<kind> each.
// Either side gaining or losing a kind without the other fails here, so the document cannot rot.
const spec = readFileSync(new URL('../../../specs/torch-reference.md', import.meta.url), 'utf8');
const handlers = ['handlers.py', 'module_handlers.py'].map((f) => readFileSync(new URL(`../../../src/plugins/backends/torch/reference/${f}`, import.meta.url), 'utf8')).join('\n');
const protocol = readFileSync(new URL('../../../src/plugins/backends/torch/protocol.ts', import.meta.url), 'utf8');

describe('specs/torch-reference.md protocol table', () => {
  const sections = spec.slice(spec.indexOf('## 3. Protocol'), spec.indexOf('## 4.')) + spec.slice(spec.indexOf('## 9.'));
  const documented = [...new Set([...sections.matchAll(/^\| `(\w+)` \|/gm)].map((m) => m[1]))].sort();
  const implemented = [...handlers.matchAll(/def on_(\w+)\(/g)].map((m) => m[1]).sort();
  const typed = [...protocol.slice(protocol.indexOf('export interface TorchMessages')).matchAll(/^ {2}(\w+): \{/gm)].map((m) => m[1]).sort();

  it('documents exactly the kinds Python handles', () => {
    expect(documented.length).toBeGreaterThanOrEqual(9);
    expect(documented).toEqual(implemented);
  });
  it('types exactly those kinds on the TypeScript side', () => expect(typed).toEqual(implemented));
});
