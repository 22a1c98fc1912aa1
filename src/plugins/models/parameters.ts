import { rngFor } from '../../data/rng.ts';
import type { GraphBuilder, Value } from '../../graph/builder.ts';
import type { DType } from '../../graph/dtype.ts';
import { sizeOf, tensor, type Shape, type Tensor } from '../../graph/tensor.ts';
import { draw, type Init } from './init.ts';

/**
 * The trainable parameters of one model: each is a graph input (fed every step) with initial values drawn once,
 * in TypeScript, from a stream keyed by the experiment seed and the parameter's name. Every backend and the torch
 * reference therefore start from the same numbers, and renaming or adding one parameter never shifts another.
 */
export class ParameterSet {
  private readonly initial = new Map<string, Tensor>();

  constructor(
    private readonly g: GraphBuilder,
    private readonly seed: number,
    readonly dtype: DType,
  ) {}

  declare(name: string, shape: Shape, init: Init): Value {
    if (this.initial.has(name)) throw new Error(`parameter "${name}" is declared twice; parameter names must be unique`);
    const values = draw(init, sizeOf(shape), rngFor(this.seed, 'init', name));
    this.initial.set(name, tensor(this.dtype, shape, values));
    return this.g.input(name, this.dtype, shape);
  }

  names(): string[] {
    return [...this.initial.keys()];
  }

  initialValues(): ReadonlyMap<string, Tensor> {
    return this.initial;
  }
}
