import type { GraphBuilder, Value } from '../../../graph/builder.ts';
import { GraphError } from '../../../graph/errors.ts';
import { tensor } from '../../../graph/tensor.ts';
import type { AttrSpec } from '../../../graph/op-def.ts';
import type { ImportContext, ImportNode, ImportOp } from './import-op.ts';

/**
 * ONNX LSTM, GRU and RNN (opset 14 definitions; torch 1.13 exports them for nn.LSTM, nn.GRU, nn.RNN) unrolled
 * at import over the static sequence length into ops of tandem's set (MatMul, Sigmoid, Tanh, Mul, Add, Slice,
 * Concat …), so they train with the existing gradient rules on every backend and in the torch reference.
 * The input projection of every time step is one MatMul; each step then adds the recurrent projection and
 * applies the cell. Per-sample `sequence_lens`, peepholes, `clip` and `input_forget` are refused, naming
 * the node.
 */

interface CellInput {
  readonly g: GraphBuilder;
  /** X_t·Wᵀ + Wb for this step: [batch, gates·H]. */
  readonly x: Value;
  readonly h: Value;
  readonly c: Value | undefined;
  /** Rᵀ: [H, gates·H]. */
  readonly rT: Value;
  /** Rb: [gates·H], or undefined without a bias. */
  readonly rb: Value | undefined;
  readonly hidden: number;
  readonly act: readonly Activation[];
  readonly linearBeforeReset: boolean;
}

type Activation = (g: GraphBuilder, x: Value) => Value;
const ACTIVATIONS: Readonly<Record<string, Activation>> = {
  Sigmoid: (g, x) => g.sigmoid(x),
  Tanh: (g, x) => g.tanh(x),
  Relu: (g, x) => g.relu(x),
};

interface CellKind {
  /** Gate blocks stacked in W, R and each half of B, in ONNX's order. */
  readonly gates: number;
  readonly defaultActivations: readonly string[];
  readonly hasCell: boolean;
  step(i: CellInput): { h: Value; c?: Value };
}

/** Columns [k·H, (k+1)·H) of a [batch, gates·H] value: gate block k. */
function gate(g: GraphBuilder, v: Value, k: number, hidden: number): Value {
  return g.slice(v, [k * hidden], [(k + 1) * hidden], [v.rank - 1]);
}

/** h·Rᵀ (+ Rb): the recurrent projection of all gates. */
function recurrent(i: CellInput, h: Value): Value {
  const hr = i.g.matmul(h, i.rT);
  return i.rb ? i.g.add(hr, i.rb) : hr;
}

/** Gates i, o, f, c: C = f⊙C + i⊙g(c̃), H = o⊙h(C). */
const LSTM_CELL: CellKind = {
  gates: 4,
  defaultActivations: ['Sigmoid', 'Tanh', 'Tanh'],
  hasCell: true,
  step(i) {
    const { g, hidden: H, act } = i;
    const z = g.add(i.x, recurrent(i, i.h));
    const [inGate, outGate, forget] = [0, 1, 2].map((k) => act[0](g, gate(g, z, k, H)));
    const candidate = act[1](g, gate(g, z, 3, H));
    const c = g.add(g.mul(forget, i.c!), g.mul(inGate, candidate));
    return { h: g.mul(outGate, act[2](g, c)), c };
  },
};

/** Gates z, r, h: H = (1 − z)⊙h̃ + z⊙H, with the reset gate applied after (linear_before_reset, torch) or before Rh. */
const GRU_CELL: CellKind = {
  gates: 3,
  defaultActivations: ['Sigmoid', 'Tanh'],
  hasCell: false,
  step(i) {
    const { g, hidden: H, act } = i;
    const hr = recurrent(i, i.h);
    const update = act[0](g, g.add(gate(g, i.x, 0, H), gate(g, hr, 0, H)));
    const reset = act[0](g, g.add(gate(g, i.x, 1, H), gate(g, hr, 1, H)));
    let memory: Value;
    if (i.linearBeforeReset) {
      memory = g.mul(reset, gate(g, hr, 2, H));
    } else {
      const rh = g.matmul(g.mul(reset, i.h), g.slice(i.rT, [2 * H], [3 * H], [1]));
      memory = i.rb ? g.add(rh, g.slice(i.rb, [2 * H], [3 * H], [0])) : rh;
    }
    const candidate = act[1](g, g.add(gate(g, i.x, 2, H), memory));
    return { h: g.add(candidate, g.mul(update, g.sub(i.h, candidate))) };
  },
};

/** H = f(X·Wᵀ + H·Rᵀ + Wb + Rb). */
const RNN_CELL: CellKind = {
  gates: 1,
  defaultActivations: ['Tanh'],
  hasCell: false,
  step(i) {
    return { h: i.act[0](i.g, i.g.add(i.x, recurrent(i, i.h))) };
  },
};

const ATTRS: Readonly<Record<string, AttrSpec>> = {
  hidden_size: { type: 'int', required: true },
  direction: { type: 'string', default: 'forward' },
  activations: { type: 'strings' },
  activation_alpha: { type: 'floats' },
  activation_beta: { type: 'floats' },
  clip: { type: 'float' },
  layout: { type: 'int', default: 0 },
};

function recurrentOp(kind: CellKind, extra: Readonly<Record<string, AttrSpec>>): ImportOp {
  return { attrs: { ...ATTRS, ...extra }, import: (ctx, node) => unroll(ctx, node, kind) };
}

export const recurrentOps: Readonly<Record<string, ImportOp>> = {
  LSTM: recurrentOp(LSTM_CELL, { input_forget: { type: 'int', default: 0 } }),
  GRU: recurrentOp(GRU_CELL, { linear_before_reset: { type: 'int', default: 0 } }),
  RNN: recurrentOp(RNN_CELL, {}),
};

function unroll(ctx: ImportContext, node: ImportNode, kind: CellKind): Value[] {
  const { g } = ctx;
  const fail = (detail: string): never => {
    throw new GraphError(node.name, node.op, detail);
  };
  const [xName, wName, rName, bName, lensName, h0Name, c0Name, pName] = node.inputs;
  if (lensName) fail('sequence_lens is given: tandem unrolls the recurrence over the static sequence length, so every sequence must be full length; export without packed sequences (no pack_padded_sequence) and mask the padding in the loss');
  if (pName) fail('peephole weights (input P) are not supported; torch never exports them');
  if (node.attrs.clip !== undefined) fail('clip is not supported: tandem unrolls into smooth ops only');
  if (node.attrs.input_forget) fail('input_forget (coupled input and forget gates) is not supported');
  if (node.attrs.activation_alpha || node.attrs.activation_beta) fail('activation_alpha/beta are not supported; use Sigmoid, Tanh or Relu');
  const direction = node.attrs.direction as string;
  if (!['forward', 'reverse', 'bidirectional'].includes(direction)) fail(`direction "${direction}" is not forward, reverse or bidirectional`);
  const dirs = direction === 'bidirectional' ? ['forward', 'reverse'] : [direction];
  const names = (node.attrs.activations as string[] | undefined) ?? dirs.flatMap(() => kind.defaultActivations);
  const acts = names.map((a) => ACTIVATIONS[a] ?? fail(`activation ${a} is not supported; tandem unrolls Sigmoid, Tanh and Relu`));
  if (acts.length !== dirs.length * kind.defaultActivations.length) fail(`activations lists ${acts.length} functions, expected ${dirs.length * kind.defaultActivations.length}`);

  const H = node.attrs.hidden_size as number;
  const batchFirst = node.attrs.layout === 1;
  const x = batchFirst ? g.transpose(ctx.value(xName), [1, 0, 2]) : ctx.value(xName); // [seq, batch, input]
  const [steps, batch] = x.shape;
  const G = kind.gates;
  const pick = (name: string, d: number): Value => g.gather(ctx.value(name), g.constant(tensor('int64', [], [d])), 0);
  const initial = (name: string | undefined, d: number): Value => (name ? (batchFirst ? g.gather(ctx.value(name), g.constant(tensor('int64', [], [d])), 1) : pick(name, d)) : g.constant(tensor(x.dtype, [batch, H])));

  const ys: Value[] = [];
  const lastH: Value[] = [];
  const lastC: Value[] = [];
  dirs.forEach((dir, d) => {
    const bias = bName ? pick(bName, d) : undefined; // [2·G·H]: Wb then Rb
    let xw = g.matmul(x, g.transpose(pick(wName, d), [1, 0])); // [seq, batch, G·H]
    if (bias) xw = g.add(xw, g.slice(bias, [0], [G * H], [0]));
    const cell = {
      g,
      rT: g.transpose(pick(rName, d), [1, 0]),
      rb: bias ? g.slice(bias, [G * H], [2 * G * H], [0]) : undefined,
      hidden: H,
      act: acts.slice(d * kind.defaultActivations.length, (d + 1) * kind.defaultActivations.length),
      linearBeforeReset: !!node.attrs.linear_before_reset,
    };
    let h = initial(h0Name, d);
    let c = kind.hasCell ? initial(c0Name, d) : undefined;
    const out: Value[] = new Array<Value>(steps);
    const order = [...Array(steps).keys()];
    for (const t of dir === 'reverse' ? order.reverse() : order) {
      const next = kind.step({ ...cell, x: g.gather(xw, g.constant(tensor('int64', [], [t])), 0), h, c });
      h = next.h;
      c = next.c;
      out[t] = g.unsqueeze(h, [0]);
    }
    ys.push(g.unsqueeze(g.concat(out, 0), [1])); // [seq, 1, batch, H]
    lastH.push(g.unsqueeze(h, [0]));
    if (c) lastC.push(g.unsqueeze(c, [0]));
  });
  const join = (vs: Value[], axis: number): Value => (vs.length === 1 ? vs[0] : g.concat(vs, axis));
  const y = join(ys, 1); // [seq, dirs, batch, H]
  const yh = join(lastH, 0); // [dirs, batch, H]
  const yc = lastC.length ? join(lastC, 0) : undefined;
  if (!batchFirst) return yc ? [y, yh, yc] : [y, yh];
  const swap = (v: Value): Value => g.transpose(v, [1, 0, 2]);
  return [g.transpose(y, [2, 0, 1, 3]), swap(yh), ...(yc ? [swap(yc)] : [])];
}
