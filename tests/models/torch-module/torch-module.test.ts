// spec: specs/models.md "torch-module" (export, parameters, export fidelity, bad input).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../src/data/rng.ts';
import { tensor, type Tensor } from '../../../src/graph/tensor.ts';
import type { Model } from '../../../src/contracts/model.ts';
import { ParameterSet } from '../../../src/contracts/parameters.ts';
import { GraphBuilder } from '../../../src/graph/builder.ts';
import { constructPlugin } from '../../../src/orchestrator/plugins/construct-plugin.ts';
import { builtinPlugins } from '../../../src/plugins/index.ts';
import { lossBuilder } from '../../../src/train/losses/loss-builder.ts';
import { createOptimizer } from '../../../src/train/optimizers/create-optimizer.ts';
import { buildTrainingProgram } from '../../../src/train/program.ts';
import { openReference } from '../../backends/torch/torch-available.ts';

const MODULES = join(import.meta.dirname, 'modules.py');
const { ref, skip } = await openReference('torch-module model');
await ref.dispose();
const scratch = mkdtempSync(join(tmpdir(), 'tandem-torch-module-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const rng = new Rng(3);
const x: Tensor = tensor('float32', [4, 1, 8], Array.from({ length: 32 }, () => rng.uniform() * 2 - 1));

async function model(factory: string, file = MODULES): Promise<Model> {
  return constructPlugin(builtinPlugins, 'model', 'torch-module', { module: `${file}:${factory}`, inputs: { x: 'x' }, outputs: { y: 'y_hat' } });
}

/** A fresh run directory per case, so "nothing written" is checkable. */
function runDir(name: string): string {
  const dir = join(scratch, name);
  rmSync(dir, { recursive: true, force: true });
  execFileSync('mkdir', ['-p', dir]);
  return dir;
}

/** The reference's export processes this test started and left running (there must be none). */
function exportProcesses(): string[] {
  const out = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], { encoding: 'utf8' });
  return out.split('\n').filter((l) => l.includes('reference/main.py'));
}

/** The training program of a prepared torch-module model on (x [1, 8] → y [8]) samples, batch 4. */
function programOf(m: Model) {
  return buildTrainingProgram(
    {
      name: 'module',
      model: m,
      seed: 0,
      dtype: 'float32',
      inputs: { x: { dtype: 'float32', shape: [1, 8], perSample: true }, y: { dtype: 'float32', shape: [8], perSample: true } },
      loss: lossBuilder({ data: { kind: 'mse', output: 'y_hat', target: 'y', weight: 1 } }),
      optimizer: createOptimizer({ name: 'adam', lr: 0.01 }),
    },
    4,
  );
}

describe.skipIf(!!skip)('torch-module model: a PyTorch nn.Module exported, checked and imported', () => {
  it("trains exactly the module's named_parameters: buffers constant, a shared weight once, equal zero biases apart", async () => {
    const m = await model('good');
    const dir = runDir('good');
    const line = await m.prepare!({ batch: new Map([['x', x]]), runDir: dir, seed: 0 });
    expect(line).toMatch(/export fidelity: \d+ values .* agree with the module/);
    expect(existsSync(join(dir, 'torch-module.onnx'))).toBe(true);
    const program = programOf(m);
    // named_parameters() lists head.weight under its first name, layer.weight; grid is a buffer.
    expect(program.params.map((p) => p.name).sort()).toEqual(['conv.bias', 'conv.weight', 'head.bias', 'layer.bias', 'layer.weight', 'other.bias', 'other.weight']);
  }, 60_000);

  it('keeps BatchNorm running statistics as buffers, never trained', async () => {
    const m = await model('normed');
    expect(await m.prepare!({ batch: new Map([['x', x]]), runDir: runDir('normed'), seed: 0 })).toMatch(/\(6 parameters, 2 buffers\)/);
    const program = programOf(m);
    expect(program.params.map((p) => p.name).sort()).toEqual(['bn.bias', 'bn.weight', 'conv.bias', 'conv.weight', 'head.bias', 'head.weight']);
    expect(program.buffers.map((b) => b.name).sort()).toEqual(['bn.running_mean', 'bn.running_var']);
  }, 60_000);

  it("refuses torch 1.13's circular-padding Conv1d export, naming the node and the submodule; writes nothing", async () => {
    const m = await model('circular');
    const dir = runDir('circular');
    await expect(m.prepare!({ batch: new Map([['x', x]]), runDir: dir, seed: 0 })).rejects.toThrow(
      /does not compute what the module .*modules\.py:circular computes on the same batch: node "\/conv\/Conv" \(Conv\) of submodule conv \(Conv1d\) gives .* beyond rtol/,
    );
    expect(readdirSync(dir)).toEqual([]);
  }, 60_000);

  it('checks a module with Dropout deterministically: the export keeps Dropout, both sides run without it', async () => {
    const m = await model('dropped');
    const line = await m.prepare!({ batch: new Map([['x', x]]), runDir: runDir('dropped'), seed: 0 });
    expect(line).toMatch(/export fidelity: 3 values .* agree/);
  }, 60_000);

  it("names a dict's outputs by its keys, and refuses names the module does not return", async () => {
    const heads = await constructPlugin(builtinPlugins, 'model', 'torch-module', { module: `${MODULES}:two_heads`, inputs: { x: 'x' }, outputs: { mean: 'mu', spread: 'sigma' } });
    await heads.prepare!({ batch: new Map([['x', x]]), runDir: runDir('two_heads'), seed: 0 });
    const g = new GraphBuilder('heads');
    const outputs = heads.forward(g, { x: g.input('x', 'float32', [4, 1, 8]) }, new ParameterSet(g, 0, 'float32'));
    expect(Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, v.shape]))).toEqual({ mu: [4, 8], sigma: [4, 8] });
    const wrong = await model('two_heads');
    await expect(wrong.prepare!({ batch: new Map([['x', x]]), runDir: runDir('wrong_heads'), seed: 0 })).rejects.toThrow(/model\.params\.outputs names "y", but .*modules\.py:two_heads returns "mean", "spread"/);
  }, 60_000);

  const BAD: [what: string, factory: string, file: string | undefined, message: RegExp][] = [
    ['a missing file', 'build', join(scratch, 'nowhere.py'), /the module file ".*nowhere\.py" does not exist/],
    ['a missing callable', 'build', undefined, /modules\.py" has no callable "build"; it defines .*circular.*good/],
    ['a factory that raises', 'raising', undefined, /"raising\(\)" in ".*modules\.py" raised ValueError: width must be even at File ".*modules\.py", line \d+, in raising/],
    ['a factory that returns no nn.Module', 'not_module', undefined, /returned a value of type dict, not a torch\.nn\.Module/],
    ['a forward that raises on the batch', 'mismatched', undefined, /running "mismatched\(\)" from ".*modules\.py" on a batch raised RuntimeError: mat1 and mat2 shapes cannot be multiplied .* at File ".*modules\.py", line \d+, in forward: return self\.lin\(x\.squeeze\(1\)\)/],
    ['an op outside tandem\'s set', 'sorted_values', undefined, /the ONNX export of .*modules\.py:sorted_values uses 1 op type outside tandem's op set: TopK \(1 node: \/TopK\)/],
    ['a module the exporter cannot export', 'spectral', undefined, /torch\.onnx\.export could not export the module .*'aten::fft_rfft'.* \(at File ".*modules\.py", line \d+, in forward: return torch\.fft\.rfft/],
  ];
  for (const [what, factory, file, message] of BAD) {
    it(`${what}: one message, exit 2, nothing written, no python left running`, async () => {
      const m = await model(factory, file);
      const dir = runDir(factory);
      const error = await m.prepare!({ batch: new Map([['x', x]]), runDir: dir, seed: 0 }).then(
        () => undefined,
        (e: Error & { exitCode?: number }) => e,
      );
      expect(error?.message).toMatch(message);
      expect(error?.message).toMatch(/^model torch-module: /);
      expect(error?.message.split('\n')).toHaveLength(1);
      expect(error?.exitCode).toBe(2);
      expect(readdirSync(dir)).toEqual([]);
      expect(exportProcesses()).toEqual([]);
    }, 60_000);
  }

  it('refuses a module spec without a callable before anything runs', async () => {
    await expect(constructPlugin(builtinPlugins, 'model', 'torch-module', { module: 'net.py', inputs: { x: 'x' }, outputs: { y: 'y' } })).rejects.toThrow(/write <python file>:<callable>.*\(key model\.params\.module\)/);
  });
});
