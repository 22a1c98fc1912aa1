import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { mismatch } from '../../src/conformance/compare.ts';
import { Rng } from '../../src/data/rng.ts';
import { GraphBuilder } from '../../src/graph/builder.ts';
import { sizeOf, tensor, type Tensor } from '../../src/graph/tensor.ts';
import { runOnOrt } from '../../src/plugins/backends/onnxruntime/ort-run.ts';

// Ops newer than opset 17 as onnxruntime runs them (their opset-17 bodies, onnx/opset17-expansions.ts) and the
// builder's groupNorm, against torch's own functions (F.mish, F.group_norm), not against the ops they are spelled
// in, so a wrong recipe fails here.

const PYTHON = '/usr/bin/python3';
const SCRIPT = `
import json, sys, torch, torch.nn.functional as F
d = json.load(sys.stdin)
x = torch.tensor(d["x"], dtype=torch.float64).reshape(d["shape"])
w, b = torch.tensor(d["w"], dtype=torch.float64), torch.tensor(d["b"], dtype=torch.float64)
wg, bg = (torch.tensor(d[k], dtype=torch.float64).repeat_interleave(x.shape[1] // d["groups"]) for k in ("wg", "bg"))
print(json.dumps({"mish": F.mish(x).flatten().tolist(), "group_norm": F.group_norm(x, d["groups"], w, b, d["eps"]).flatten().tolist(),
                  "group_normalization": F.group_norm(x, d["groups"], wg, bg, d["eps"]).flatten().tolist()}))
`;
const skip = await execa(PYTHON, ['-c', 'import torch']).then(() => undefined, (e: Error) => e.message.split('\n')[0]);
if (skip) console.log(`[lowerings-vs-torch] skipping: ${skip}`);

describe.skipIf(!!skip)('builder lowerings agree with torch', () => {
  const shape = [2, 6, 3, 4];
  const groups = 3;
  const rng = new Rng(5);
  const draw = (n: number, lo = -3, hi = 3) => Array.from({ length: n }, () => lo + (hi - lo) * rng.uniform());
  const x = draw(sizeOf(shape));
  const [w, bias] = [draw(6, 0.5, 1.5), draw(6)];
  const [wg, bg] = [draw(groups, 0.5, 1.5), draw(groups)];

  it('Mish (written for onnxruntime as x·tanh(softplus(x))) GroupNormalization (per group) and groupNorm (per channel) match F.mish and F.group_norm', async () => {
    const torch = JSON.parse((await execa(PYTHON, ['-c', SCRIPT], { input: JSON.stringify({ x, shape, w, b: bias, wg, bg, groups, eps: 1e-3 }) })).stdout) as Record<string, number[]>;
    const b = new GraphBuilder('lowerings');
    const xv = b.input('x', 'float32', shape);
    b.output(b.mish(xv), 'mish');
    b.output(b.groupNorm(xv, b.constant(tensor('float32', [6], w)), b.constant(tensor('float32', [6], bias)), groups, 1e-3), 'group_norm');
    const perGroup = (v: number[]) => b.constant(tensor('float32', [groups], v));
    b.output(b.op1('GroupNormalization', [xv, perGroup(wg), perGroup(bg)], { num_groups: groups, epsilon: 1e-3 }), 'group_normalization');
    const got = await runOnOrt(b.build(), { x: tensor('float32', shape, x) });
    for (const name of ['mish', 'group_norm', 'group_normalization']) {
      const want: Tensor = tensor('float32', shape, torch[name]);
      expect(mismatch(got[name], want, { rtol: 1e-5, atol: 1e-5 }), name).toBeUndefined();
    }
  });

  it('refuses a group count that does not divide the channels, naming it', () => {
    const b = new GraphBuilder('bad');
    const xv = b.input('x', 'float32', shape);
    const p = b.constant(tensor('float32', [6], w));
    expect(() => b.groupNorm(xv, p, p, 4)).toThrow('4 groups do not divide the 6 channels (axis 1) of [2, 6, 3, 4]');
  });
});
