import { afterAll, describe, expect, it } from 'vitest';
import { defaultRules, grad, type GradRule } from '../../../src/autodiff/index.ts';
import type { RuleRegistry } from '../../../src/autodiff/rule-registry.ts';
import { mismatch, type Tolerance } from '../../../src/conformance/compare.ts';
import { GraphBuilder } from '../../../src/graph/builder.ts';
import type { Graph } from '../../../src/graph/ir.ts';
import { tensor, type Tensor } from '../../../src/graph/tensor.ts';
import { execute } from '../../../src/plugins/backends/tfjs/interpreter.ts';
import { activateTfjs } from '../../../src/plugins/backends/tfjs/runtime.ts';
import { cutDerivatives } from '../../../src/contracts/derivative-terms.ts';
import { TorchSession } from '../../../src/plugins/backends/torch/torch-session.ts';
import { buildTrainingProgram, type TrainingProgram } from '../../../src/train/program.ts';
import { batches, pinnProgram } from '../torch/program-fixtures.ts';
import { openReference } from '../torch/torch-available.ts';
import { compileOn } from './backend-sessions.ts';

const { ref, skip } = await openReference('pinn-derivatives-vs-torch');
afterAll(() => ref.dispose());

// float32 second and third derivatives through tanh, XNNPACK vs ATen.
const TOL: Tolerance = { rtol: 1e-4, atol: 1e-5 };
/** d tanh = g·(1 − y) instead of g·(1 − y²). */
const wrongTanh: GradRule = { op: 'Tanh', grad: ({ b, g, y: [y], scalar }) => [b.mul(g, b.sub(scalar(1), y))] };
const VALUES = ['u_x', 'u_xx', 'u_yy'];

/** The program's forward graph (u of x, a tanh MLP) extended by tandem's autodiff, applied twice, to u_x, u_xx, u_yy. */
function laplacianGraph(program: TrainingProgram, rules: RuleRegistry): { graph: Graph; terms: { name: string; of: string; wrt: string; seed?: Tensor }[] } {
  const n = program.batchSize;
  const col = (k: number) => tensor('float32', [n, 2], Array.from({ length: 2 * n }, (_, i) => (i % 2 === k ? 1 : 0)));
  let g = grad(program.graphs.forward, { of: 'u', wrt: ['x'], names: ['u_x'] }, rules);
  g = grad(g, { of: 'u_x', wrt: ['x'], seed: col(0), names: ['u_xx'] }, rules);
  g = grad(g, { of: 'u_x', wrt: ['x'], seed: col(1), names: ['u_yy'] }, rules);
  const b = GraphBuilder.extend(g);
  for (const v of VALUES) b.output(b.value(v));
  return { graph: b.build(), terms: [{ name: 'u_x', of: 'u', wrt: 'x' }, { name: 'u_xx', of: 'u_x', wrt: 'x', seed: col(0) }, { name: 'u_yy', of: 'u_x', wrt: 'x', seed: col(1) }] };
}

/** Ours on tfjs, and torch.autograd(create_graph) from the forward nodes alone (our derivative nodes cut out). */
async function laplacianBoth(rules: RuleRegistry): Promise<{ ours: Record<string, Tensor>; torch: Map<string, Tensor> }> {
  const program = await pinnProgram('float32', { name: 'adam', lr: 1e-3 });
  const { graph, terms } = laplacianGraph(program, rules);
  const [batch] = batches(program, 1, 9);
  const init = program.initialState();
  const feeds = { x: batch.get('x')!, ...Object.fromEntries(program.params.map((p) => [p.name, init.get(p.name)!])) };
  await activateTfjs('wasm');
  const ours = execute(graph, feeds);
  const cut = cutDerivatives(graph, terms);
  const torch = await ref.executeGraph(cut, feeds, { derivatives: terms, fetch: VALUES });
  await ref.release(cut);
  return { ours, torch };
}

async function gradientsBoth(program: TrainingProgram) {
  const [batch] = batches(program, 1, 9);
  const [ours, torch] = [await compileOn('tfjs', program), await TorchSession.create(program, ref, false)];
  const [a, b] = [await ours.gradients(batch), await torch.gradients(batch)];
  await Promise.all([ours.dispose(), torch.dispose()]);
  return { ours: a, torch: b };
}

// The ORT side (float64) is tests/backends/torch/autograd-vs-autodiff.test.ts; this is the same check on tfjs.
describe.skipIf(!!skip)('second-order input derivatives of a tanh MLP on tfjs vs torch.autograd (float32)', () => {
  it('u_x, u_xx, u_yy, value by value', async () => {
    const { ours, torch } = await laplacianBoth(defaultRules);
    for (const v of VALUES) expect(mismatch(ours[v], torch.get(v)!, TOL), v).toBeUndefined();
  });

  it('the PINN loss terms (Laplacian residual) and their parameter gradients (third order through tanh), via the sessions', async () => {
    const program = await pinnProgram('float32', { name: 'adam', lr: 1e-3 });
    const { ours, torch } = await gradientsBoth(program);
    for (const term of program.terms) expect(Math.abs(ours.terms[term] - torch.terms[term]), `loss:${term}`).toBeLessThanOrEqual(TOL.atol + TOL.rtol * Math.abs(torch.terms[term]));
    for (const p of program.params) expect(mismatch(ours.grads.get(p.name)!, torch.grads.get(p.name)!, TOL), `grad ${p.name}`).toBeUndefined();
  });

  it('an injected wrong Tanh gradient rule makes both comparisons fail (the check can fail)', async () => {
    const { ours, torch } = await laplacianBoth(defaultRules.with(wrongTanh));
    for (const v of VALUES) expect(mismatch(ours[v], torch.get(v)!, TOL), v).toMatch(/values differ/);
    const right = await pinnProgram('float32', { name: 'adam', lr: 1e-3 });
    // spec.rules drives the parameter gradients (the gradients and step graphs).
    const wrong = await gradientsBoth(buildTrainingProgram({ ...right.spec, rules: defaultRules.with(wrongTanh) }, right.batchSize));
    expect(right.params.some((p) => mismatch(wrong.ours.grads.get(p.name)!, wrong.torch.grads.get(p.name)!, TOL) !== undefined)).toBe(true);
  });
});
