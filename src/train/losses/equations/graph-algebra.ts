import type { Value } from '../../../graph/builder.ts';
import type { LossScope } from '../../loss-scope.ts';
import { column, columnSeed } from '../columns.ts';
import type { DomainConstant } from '../../../physics/pinn/point-domain.ts';
import type { BinaryOp } from '../../../physics/pinn/expression.ts';
import type { Algebra } from '../../../physics/pinn/evaluate.ts';
import type { Resolved } from '../../../physics/pinn/names.ts';

/**
 * Equations as forward ops on the loss graph. Every derivative comes from `scope.derivative` (our reverse-mode
 * autodiff; the PyTorch reference recomputes each one with torch.autograd), one reverse pass per distinct
 * gradient: ∇u, then ∇(∂u/∂x_i) by a one-hot seed on column i of ∇u, and so on up the order. Coordinates are
 * sorted, so u_xt and u_tx share their passes. The passes are cached per loss build, so terms that read the same
 * derivative (a residual and a boundary flux) take it once.
 *
 * tan, sinh and cosh are recipes over the op set (sin/cos, exp), so they need no gradient rule of their own.
 */
export class GraphAlgebra implements Algebra<Value> {
  /** ∇ of (field, sorted coordinate indices) → [batch, d], keyed `u|0,1`. */
  private readonly gradients = new Map<string, Value>();

  constructor(
    private readonly scope: LossScope,
    /** The points [batch, d]: the model input every derivative is taken by. */
    private readonly coords: Value,
    private readonly constants: Readonly<Record<string, DomainConstant>>,
  ) {}

  private get g() {
    return this.scope.g;
  }

  number(value: number): Value {
    return this.g.scalar(value, this.coords.dtype);
  }

  name(r: Resolved): Value {
    switch (r.kind) {
      case 'output':
        return this.scope.outputs[r.name];
      case 'coordinate':
        return column(this.scope, this.coords, r.index);
      case 'constant':
        return this.constant(r.name);
      case 'pi':
        return this.number(Math.PI);
      case 'derivative':
        return column(this.scope, this.gradient(r.field, r.wrt.slice(0, -1)), r.wrt[r.wrt.length - 1]);
    }
  }

  neg(a: Value): Value {
    return this.g.neg(a);
  }

  binary(op: BinaryOp, a: Value, b: Value): Value {
    const g = this.g;
    switch (op) {
      case '+':
        return g.add(a, b);
      case '-':
        return g.sub(a, b);
      case '*':
        return g.mul(a, b);
      case '/':
        return g.div(a, b);
      case '^':
        return g.pow(a, b);
    }
  }

  call(fn: string, [a]: readonly Value[]): Value {
    const g = this.g;
    switch (fn) {
      case 'sin':
        return g.sin(a);
      case 'cos':
        return g.cos(a);
      case 'tan':
        return g.div(g.sin(a), g.cos(a));
      case 'exp':
        return g.exp(a);
      case 'log':
        return g.log(a);
      case 'sqrt':
        return g.sqrt(a);
      case 'abs':
        return g.abs(a);
      case 'tanh':
        return g.tanh(a);
      case 'sinh':
        return g.mul(this.number(0.5), g.sub(g.exp(a), g.exp(g.neg(a))));
      case 'cosh':
        return g.mul(this.number(0.5), g.add(g.exp(a), g.exp(g.neg(a))));
      default:
        throw new Error(`the function "${fn}" has no graph form; equations on the loss graph use sin cos tan exp log sqrt abs tanh sinh cosh`);
    }
  }

  /** ∇ of field differentiated by `by` (sorted coordinate indices), [batch, d], one reverse pass each. */
  private gradient(field: string, by: readonly number[]): Value {
    const key = `${field}|${by.join(',')}`;
    const cached = this.gradients.get(key);
    if (cached) return cached;
    let value: Value;
    if (by.length === 0) {
      const u = this.scope.outputs[field];
      [value] = this.scope.derivative(u, [this.coords]);
    } else {
      const parent = this.gradient(field, by.slice(0, -1));
      [value] = this.scope.derivative(parent, [this.coords], columnSeed(parent, by[by.length - 1]));
    }
    this.gradients.set(key, value);
    return value;
  }

  /** A fixed constant is a scalar; a trained one a loss parameter, declared once and shared by every term. */
  private constant(name: string): Value {
    const c = this.constants[name];
    if ('value' in c) return this.number(c.value);
    const param = constantParameter(name, c.positive);
    const declared = this.scope.declaredParameters.has(param) ? this.g.value(param) : this.scope.parameter(param, [1], { kind: 'constant', value: c.positive ? Math.log(c.init) : c.init });
    return c.positive ? this.g.exp(declared) : declared;
  }
}

/** The parameter behind a trained constant: `constants.log_nu` when kept positive (ν = exp), else `constants.nu`. */
export const constantParameter = (name: string, positive: boolean): string => `constants.${positive ? 'log_' : ''}${name}`;
