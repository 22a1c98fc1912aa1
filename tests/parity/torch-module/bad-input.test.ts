import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openReference } from '../../backends/torch/torch-available.ts';
import { cli, runStatuses } from '../../cli/run-cli.ts';
import { writeModuleConfig, writeModuleExperiments } from './fixture.ts';

/**
 * A torch-module reference the user must fix: one message saying what and where, exit 2, no run directory,
 * and no Python process left behind (the reference is checked before anything is written, and disposed).
 */
const { ref, skip } = await openReference('tests/parity/torch-module/bad-input.test.ts');
await ref.dispose();
const dir = skip ? '' : await writeModuleExperiments();

/** Reference processes (reference/main.py) this test process started and that still run. */
function referenceChildren(): string[] {
  let out = '';
  try {
    out = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], { encoding: 'utf8' });
  } catch {
    // ps exits 1 when the process has no children at all.
  }
  return out.split('\n').filter((l) => l.includes('reference/main.py'));
}

describe.skipIf(skip)('torch-module reference: bad input', () => {
  it.each([
    ['a missing file', 'torch-module:nets/missing.py:build', 'block.onnx', '', ['the module file "nets/missing.py" does not exist', 'relative to the config file']],
    ['a missing callable', 'torch-module:ports.py:nope', 'block.onnx', '', ['has no callable "nope"', 'build_eps']],
    ['a factory that raises', 'torch-module:ports.py:build_raises', 'block.onnx', '', ['"build_raises()"', 'raised ValueError: width 16 is not supported by this port', 'ports.py", line 73, in build_raises']],
    ['a factory that returns no nn.Module', 'torch-module:ports.py:build_not_module', 'block.onnx', '', ['returned a value of type dict, not a torch.nn.Module']],
    [
      'parameters that cannot all be paired',
      'torch-module:ports.py:build',
      'mlp.onnx',
      '',
      ['graph tensors with no module tensor: fc1.bias, fc2.bias, onnx::MatMul_12, onnx::MatMul_13', 'module parameters with no graph tensor: conv.weight, conv.bias, norm.weight, norm.bias, head.weight, head.bias', 'parity.weights.map'],
    ],
    ['a map naming a tensor the graph lacks', 'torch-module:ports.py:build', 'block.onnx', 'tensors:\n  head.wieght: { transpose: true }\n', ["names 'head.wieght', which the graph does not have", 'head.weight']],
  ])('%s: exit 2 with one message, nothing written, no Python left running', async (what, reference, graph, map, phrases) => {
    const name = what.replaceAll(/[^a-z]+/g, '-');
    if (map) writeFileSync(join(dir, `${name}-map.yaml`), map);
    const config = writeModuleConfig(dir, name, graph, map ? `weights: { map: ${name}-map.yaml }` : '');
    const outputs = mkdtempSync(join(tmpdir(), 'tandem-torch-module-bad-'));
    const r = await cli('parity', config, `+parity.reference=${reference}`, '--outputs', outputs);
    expect(r.code, r.stderr).toBe(2);
    for (const p of phrases) expect(r.stderr).toContain(p);
    expect(r.stderr.trim().split('\n').filter((l) => /error|Error/.test(l)).length).toBeLessThanOrEqual(1);
    expect(runStatuses(outputs)).toEqual([]);
    expect(referenceChildren()).toEqual([]);
  }, 60_000);
});
