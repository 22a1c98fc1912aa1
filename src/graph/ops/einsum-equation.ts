import { InferError } from '../op-def.ts';
import type { Shape } from '../tensor.ts';

/**
 * An Einsum equation resolved against its operands' static shapes. Labels are single letters; an ellipsis
 * becomes one label per axis it covers ("…0", "…1", right-aligned across operands, as numpy aligns them),
 * so every consumer (shape inference, the tfjs contraction, the gradient rule) works on plain label lists.
 */
export interface EinsumSpec {
  readonly inputs: readonly (readonly string[])[];
  readonly output: readonly string[];
  /** The size of every label. */
  readonly sizes: ReadonlyMap<string, number>;
}

/** What tandem refuses, said once: the forms every backend runs the same way and the gradient rule covers. */
const SUPPORTED = 'tandem runs Einsum with letter subscripts, "...", summation, transposition and outer products';

/** One subscript term; `rank` undefined (the output) keeps the ellipsis as a single "…" label. */
function parseTerm(t: string, rank: number | undefined, where: string): { labels: string[]; ellipsis: number } {
  const dots = t.indexOf('...');
  if (dots !== t.lastIndexOf('...')) throw new InferError(`${where} "${t}" has more than one "..."`);
  const letters = (s: string): string[] => {
    const bad = [...s].find((ch) => !/[a-zA-Z]/.test(ch));
    if (bad !== undefined) throw new InferError(`${where} "${t}" has the character "${bad}"; subscripts are letters and "..."`);
    return [...s];
  };
  if (dots < 0) return { labels: letters(t), ellipsis: -1 };
  const [before, after] = [letters(t.slice(0, dots)), letters(t.slice(dots + 3))];
  const covered = rank === undefined ? 1 : rank - before.length - after.length;
  if (covered < 0) throw new InferError(`${where} "${t}" names more axes than the operand's rank ${rank}`);
  return { labels: [...before, ...Array.from({ length: covered }, () => '…'), ...after], ellipsis: covered };
}

/** Parses `equation` for operands of `shapes`; throws an InferError naming the equation for what is refused. */
export function parseEinsum(equation: string, shapes: readonly Shape[]): EinsumSpec {
  const fail = (detail: string): never => {
    throw new InferError(`equation "${equation}": ${detail}`);
  };
  const [lhs, rhs, extra] = equation.replace(/\s/g, '').split('->');
  if (extra !== undefined) fail('has more than one "->"');
  const terms = lhs.split(',');
  if (terms.length !== shapes.length) fail(`has ${terms.length} operand subscripts for ${shapes.length} inputs`);
  const parsed = terms.map((t, k) => parseTerm(t, shapes[k].length, `equation "${equation}": operand ${k}`));
  const ellipsisRank = Math.max(0, ...parsed.map((p) => p.ellipsis));
  const sizes = new Map<string, number>();
  const inputs = parsed.map((p, k) => {
    let e = ellipsisRank - p.ellipsis;
    const labels = p.labels.map((l) => (l === '…' ? `…${e++}` : l));
    if (labels.length !== shapes[k].length) fail(`operand ${k} "${terms[k]}" has ${labels.length} subscripts for rank ${shapes[k].length}`);
    if (new Set(labels).size !== labels.length) {
      fail(`operand ${k} "${terms[k]}" repeats a subscript (a diagonal), which is refused; ${SUPPORTED}`);
    }
    labels.forEach((l, i) => {
      const d = shapes[k][i];
      const seen = sizes.get(l);
      if (seen !== undefined && seen !== d) {
        fail(`subscript ${l.startsWith('…') ? '"..."' : `"${l}"`} has sizes ${seen} and ${d}; broadcasting inside Einsum is refused (${SUPPORTED} over equal sizes)`);
      }
      sizes.set(l, d);
    });
    return labels;
  });
  const ellipsisLabels = Array.from({ length: ellipsisRank }, (_, i) => `…${i}`);
  let output: string[];
  if (rhs === undefined) {
    // Implicit output (numpy): the ellipsis axes, then the letters used exactly once, in alphabetical order.
    const count = new Map<string, number>();
    for (const l of inputs.flat()) if (!l.startsWith('…')) count.set(l, (count.get(l) ?? 0) + 1);
    output = [...ellipsisLabels, ...[...count].filter(([, n]) => n === 1).map(([l]) => l).sort()];
  } else {
    const p = parseTerm(rhs, undefined, `equation "${equation}": the output`);
    if (p.ellipsis >= 0 && parsed.every((q) => q.ellipsis < 0)) fail('the output has "..." but no operand does');
    output = p.labels.flatMap((l) => (l === '…' ? ellipsisLabels : [l]));
    if (new Set(output).size !== output.length) fail('the output repeats a subscript');
    const missing = output.find((l) => !sizes.has(l));
    if (missing) fail(`the output subscript "${missing}" is in no operand`);
  }
  return { inputs, output, sizes };
}

/** The spec written back as an equation over letters only (ellipsis labels get unused letters), for emitting Einsum nodes. */
export function formatEinsum(inputs: readonly (readonly string[])[], output: readonly string[]): string {
  const used = new Set([...inputs.flat(), ...output].filter((l) => !l.startsWith('…')));
  const spare = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'].filter((ch) => !used.has(ch));
  const letter = new Map<string, string>();
  const of = (l: string): string => {
    if (!l.startsWith('…')) return l;
    if (!letter.has(l)) letter.set(l, spare.shift() ?? '');
    return letter.get(l)!;
  };
  return `${inputs.map((t) => t.map(of).join('')).join(',')}->${output.map(of).join('')}`;
}
