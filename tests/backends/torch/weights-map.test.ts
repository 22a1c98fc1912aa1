import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { readWeightsMap } from '../../../src/plugins/backends/torch/weights-map.ts';
import { openReference } from './torch-available.ts';

// The weights map of specs/torch-reference.md §9, as written there: parsed by weights-map.ts, then applied by
// reference/module_weights.py to a Keras-style graph ([in, out] dense kernel, HWIO conv kernel) and a torch module.
const spec = readFileSync('specs/torch-reference.md', 'utf8');
const example = /```yaml\n([\s\S]*?)```/.exec(spec.slice(spec.indexOf('## 9.')))![1];
const { ref, skip } = await openReference('tests/backends/torch/weights-map.test.ts');
await ref.dispose();

/** Pairs graph tensors dense_0/kernel [3, 4] and conv/kernel [3, 3, 2, 5] with Linear(3, 4) and Conv2d(2, 5, 3) by `map`. */
async function pair(map: unknown): Promise<{ ok: boolean; out: string }> {
  const script = `
import json, sys, torch
sys.path.insert(0, 'src/plugins/backends/torch/reference')
from module_weights import bind_weights
m = torch.nn.Module()
m.layers = torch.nn.ModuleList([torch.nn.Linear(3, 4, bias=False)])
m.conv = torch.nn.Conv2d(2, 5, 3, bias=False)
graph = {'dense_0/kernel': torch.randn(3, 4), 'conv/kernel': torch.randn(3, 3, 2, 5)}
try:
    bindings = bind_weights(m, graph, {}, json.loads(sys.argv[1]), 'the map')
except Exception as e:
    print(json.dumps({'error': str(e)})); sys.exit(0)
by = {b.tandem: b for b in bindings}
k = graph['conv/kernel']
print(json.dumps({'bindings': [b.describe() for b in bindings],
                  # module[out, in] = kernel[in, out]; module[o, i, h, w] = kernel[h, w, i, o]
                  'dense': torch.equal(by['dense_0/kernel'].to_module(graph['dense_0/kernel']), graph['dense_0/kernel'].t()),
                  'conv': float(by['conv/kernel'].to_module(k)[4, 1, 2, 0]) == float(k[2, 0, 1, 4]),
                  'roundtrip': all(torch.equal(b.to_tandem(b.to_module(graph[b.tandem])), graph[b.tandem]) for b in bindings)}))
`;
  const r = await execa('/usr/bin/python3', ['-B', '-c', script, JSON.stringify(map)]);
  return { ok: !r.stdout.includes('"error"'), out: r.stdout };
}

describe('parity.weights.map', () => {
  it('parses the spec example, and refuses a map that is not one (the file named)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tandem-weights-map-'));
    writeFileSync(join(dir, 'map.yaml'), example);
    expect(readWeightsMap(join(dir, 'map.yaml'))).toEqual({
      rename: [
        { pattern: '^dense_(\\d+)/kernel$', replacement: 'layers.\\1.weight' },
        { pattern: '^conv/kernel$', replacement: 'conv.weight' },
      ],
      tensors: { 'dense_0/kernel': { transpose: true }, 'conv/kernel': { permute: [3, 2, 0, 1] } },
    });
    writeFileSync(join(dir, 'bad.yaml'), 'tensors:\n  w: { transpose: false }\n');
    expect(() => readWeightsMap(join(dir, 'bad.yaml'))).toThrow(/bad\.yaml": tensors\.w: give each tensor either \{transpose: true\} or \{permute: \[axes\]\}/);
  });

  it.skipIf(skip)('pairs a Keras-style graph with a torch module through the spec example', async () => {
    const r = await pair((await import('yaml')).parse(example));
    expect(JSON.parse(r.out)).toEqual({
      bindings: [
        { tandem: 'dense_0/kernel', module: 'layers.0.weight', how: 'map', permute: [1, 0] },
        { tandem: 'conv/kernel', module: 'conv.weight', how: 'map', permute: [3, 2, 0, 1] },
      ],
      dense: true,
      conv: true,
      roundtrip: true,
    });
  }, 30_000);

  it.skipIf(skip)('refuses a wrong permutation with the shapes on both sides', async () => {
    const r = await pair({ rename: [{ pattern: '^conv/kernel$', replacement: 'conv.weight' }, { pattern: '^dense_0/kernel$', replacement: 'layers.0.weight' }], tensors: { 'dense_0/kernel': { transpose: true }, 'conv/kernel': { permute: [2, 3, 0, 1] } } });
    expect(r.ok).toBe(false);
    expect(JSON.parse(r.out).error).toContain('graph tensor "conv/kernel" [3, 3, 2, 5] pairs with module tensor "conv.weight" [5, 2, 3, 3] by map, but the shapes differ after [2, 3, 0, 1]');
  }, 30_000);
});
