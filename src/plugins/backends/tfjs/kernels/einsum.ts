import * as tf from '@tensorflow/tfjs';
import { parseEinsum } from '../../../../graph/ops/einsum-equation.ts';
import type { Kernel } from './kernel.ts';

interface Labelled {
  readonly t: tf.Tensor;
  readonly labels: readonly string[];
}

const product = (x: Labelled, ls: readonly string[]): number => ls.reduce((n, l) => n * x.t.shape[x.labels.indexOf(l)], 1);

/** Sums `x` over its labels that nothing after it needs. */
function sumOut(x: Labelled, needed: ReadonlySet<string>): Labelled {
  const gone = x.labels.flatMap((l, i) => (needed.has(l) ? [] : [i]));
  if (!gone.length) return x;
  return { t: tf.sum(x.t, gone), labels: x.labels.filter((l) => needed.has(l)) };
}

/**
 * Transposes `x` to the label order `order` and reshapes it to `groups` (products of label sizes). Always a fresh
 * tensor, never a view: tfjs-backend-wasm aborts ("memory access out of bounds") when two matMuls take
 * differently shaped reshapes of one tensor's data (reproduced with tf.reshape of one [5, 3, 2] tensor to
 * [1, 5, 6] and [1, 15, 2]), which an Einsum gradient graph does with every operand it reuses.
 */
function arrange(x: Labelled, order: readonly string[], groups: readonly (readonly string[])[]): tf.Tensor {
  const perm = order.map((l) => x.labels.indexOf(l));
  const moved = perm.every((p, i) => p === i) ? x.t.clone() : tf.transpose(x.t, perm);
  return tf.reshape(moved, groups.map((g) => product(x, g)));
}

/**
 * One pairwise contraction as a batched MatMul: labels in both operands and still needed are batch axes, labels in
 * both and no longer needed are contracted, the rest are each operand's free axes.
 */
function contract(a: Labelled, b: Labelled, needed: ReadonlySet<string>): Labelled {
  const inB = new Set(b.labels);
  const batch = a.labels.filter((l) => inB.has(l) && needed.has(l));
  const summed = a.labels.filter((l) => inB.has(l) && !needed.has(l));
  const freeA = a.labels.filter((l) => !inB.has(l));
  const freeB = b.labels.filter((l) => !a.labels.includes(l));
  const left = arrange(a, [...batch, ...freeA, ...summed], [batch, freeA, summed]);
  const right = arrange(b, [...batch, ...summed, ...freeB], [batch, summed, freeB]);
  const labels = [...batch, ...freeA, ...freeB];
  const sizes = [...batch, ...freeA].map((l) => a.t.shape[a.labels.indexOf(l)]).concat(freeB.map((l) => b.t.shape[b.labels.indexOf(l)]));
  return { t: tf.reshape(tf.matMul(left, right), sizes), labels };
}

/**
 * Einsum without tf.einsum (tfjs-backend-wasm has no Einsum kernel): operands are contracted left to right,
 * each first summed over the labels no later operand and not the output uses, then the result is transposed
 * to the output's order. The equation was checked and resolved by the shared parser.
 */
const einsum: Kernel = (c) => {
  const xs = c.node.inputs.map((_, k) => c.input(k));
  const spec = parseEinsum(c.attrs.equation as string, xs.map((x) => x.shape));
  const neededAfter = (k: number): Set<string> => new Set([...spec.output, ...spec.inputs.slice(k + 1).flat()]);
  let acc = sumOut({ t: xs[0], labels: spec.inputs[0] }, new Set([...neededAfter(0)]));
  for (let k = 1; k < xs.length; k++) {
    const next = sumOut({ t: xs[k], labels: spec.inputs[k] }, new Set([...neededAfter(k), ...acc.labels]));
    acc = contract(sumOut(acc, new Set([...neededAfter(k), ...next.labels])), next, neededAfter(k));
  }
  const perm = spec.output.map((l) => acc.labels.indexOf(l));
  return [perm.every((p, i) => p === i) ? acc.t.clone() : tf.transpose(acc.t, perm)];
};

export const einsumKernels: Record<string, Kernel> = { Einsum: einsum };
