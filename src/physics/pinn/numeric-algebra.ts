import { burgersSineDirichlet } from '../burgers/cole-hopf.ts';
import type { BinaryOp } from './expression.ts';
import type { Algebra } from './evaluate.ts';
import type { Resolved } from './names.ts';

/**
 * Equations evaluated in float64 on a table of points, one array entry per point: how an exact `solution` is
 * computed on the collocation points and the test grid. Besides the equation functions it may call the exact
 * solutions tandem computes itself (SOLUTION_FUNCTIONS).
 */
export const SOLUTION_FUNCTIONS: Readonly<Record<string, { readonly arity: number; readonly fn: (...a: number[]) => number; readonly meaning: string }>> = {
  burgers_sine: {
    arity: 3,
    fn: burgersSineDirichlet,
    meaning: 'burgers_sine(x, t, nu): viscous Burgers u_t + u u_x = nu u_xx from u(x, 0) = -sin(pi x), u(±1, t) = 0 (Cole–Hopf)',
  },
};

const UNARY: Readonly<Record<string, (a: number) => number>> = {
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  abs: Math.abs,
  tanh: Math.tanh,
  sinh: Math.sinh,
  cosh: Math.cosh,
};

export class NumericAlgebra implements Algebra<Float64Array> {
  constructor(
    /** Points as rows, [n, d] row-major. */
    private readonly points: Float64Array,
    private readonly dims: number,
    private readonly constants: Readonly<Record<string, number>>,
    /** The config key of the expression, for the one thing only evaluation can find (an output or derivative). */
    private readonly key: string,
  ) {}

  private get n(): number {
    return this.points.length / this.dims;
  }

  number(value: number): Float64Array {
    return new Float64Array(this.n).fill(value);
  }

  name(r: Resolved): Float64Array {
    switch (r.kind) {
      case 'coordinate':
        return Float64Array.from({ length: this.n }, (_, i) => this.points[i * this.dims + r.index]);
      case 'constant':
        return this.number(this.constants[r.name]);
      case 'pi':
        return this.number(Math.PI);
      case 'output':
      case 'derivative':
        throw new Error(`${this.key}: an exact solution is a formula in the coordinates and constants; it cannot name the model's outputs or their derivatives`);
    }
  }

  neg(a: Float64Array): Float64Array {
    return a.map((v) => -v);
  }

  binary(op: BinaryOp, a: Float64Array, b: Float64Array): Float64Array {
    switch (op) {
      case '+':
        return a.map((v, i) => v + b[i]);
      case '-':
        return a.map((v, i) => v - b[i]);
      case '*':
        return a.map((v, i) => v * b[i]);
      case '/':
        return a.map((v, i) => v / b[i]);
      case '^':
        return a.map((v, i) => v ** b[i]);
    }
  }

  call(fn: string, args: readonly Float64Array[]): Float64Array {
    const unary = UNARY[fn];
    if (unary) return args[0].map(unary);
    const exact = SOLUTION_FUNCTIONS[fn];
    if (args.length !== exact.arity) throw new Error(`${this.key}: ${fn} takes ${exact.arity} arguments (${exact.meaning}), got ${args.length}`);
    return Float64Array.from({ length: this.n }, (_, i) => exact.fn(...args.map((a) => a[i])));
  }
}
