import type { BinaryOp, Expr } from './expression.ts';
import { resolveDerivative, resolveName, type Namespace, type Resolved } from './names.ts';

/**
 * One walk over an equation for every way of computing it: graph ops for a loss term (src/train/losses/equations/graph-algebra.ts),
 * float64 arrays for an exact solution on the points (./numeric-algebra.ts). Names are resolved on the way, so
 * an unknown name fails with the equation's config key before anything is built.
 */
export interface Algebra<T> {
  number(value: number): T;
  name(meaning: Resolved): T;
  neg(a: T): T;
  binary(op: BinaryOp, a: T, b: T): T;
  call(fn: string, args: readonly T[]): T;
}

export function evaluate<T>(e: Expr, algebra: Algebra<T>, ns: Namespace, key: string, text: string): T {
  const walk = (x: Expr): T => {
    switch (x.kind) {
      case 'number':
        return algebra.number(x.value);
      case 'name':
        return algebra.name(resolveName(x.name, ns, key, text));
      case 'd':
        return algebra.name(resolveDerivative(x, ns, key, text));
      case 'neg':
        return algebra.neg(walk(x.arg));
      case 'binary':
        return algebra.binary(x.op, walk(x.left), walk(x.right));
      case 'call':
        return algebra.call(x.fn, x.args.map(walk));
    }
  };
  return walk(e);
}
