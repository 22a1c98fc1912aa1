import { formatEinsum, parseEinsum } from '../../graph/ops/einsum-equation.ts';
import type { GradRule } from '../rule.ts';

/**
 * The gradient of an Einsum operand is itself an Einsum: g (over the output subscripts) contracted with the
 * other operands, onto this operand's subscripts. Subscripts the forward summed out of this operand alone
 * (in no other operand and not in the output) are absent from that product: g is constant along them, so
 * they are put back by Unsqueeze and Expand. Emitting Einsum keeps second order in the same rule.
 */
export const EinsumGrad: GradRule = {
  op: 'Einsum',
  grad({ b, g, x, attr }) {
    const spec = parseEinsum(attr<string>('equation'), x.map((v) => v!.shape));
    return x.map((xk, k) => {
      const others = spec.inputs.filter((_, j) => j !== k);
      const reachable = new Set([...spec.output, ...others.flat()]);
      const own = spec.inputs[k];
      const kept = own.filter((l) => reachable.has(l));
      const operands = [g, ...x.filter((_, j) => j !== k).map((v) => v!)];
      let d = b.op1('Einsum', operands, { equation: formatEinsum([spec.output, ...others], kept) });
      const lost = own.flatMap((l, i) => (reachable.has(l) ? [] : [i]));
      if (lost.length) d = b.op1('Expand', [b.op1('Unsqueeze', [d, b.ints(lost)]), b.ints(xk!.shape)]);
      return d;
    });
  },
};
