import { rngFor } from '../data/rng.ts';
import type { GraphBuilder, Value } from '../graph/builder.ts';
import type { DType } from '../graph/dtype.ts';
import { sizeOf, tensor, type Shape, type Tensor } from '../graph/tensor.ts';
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

  /**
   * A parameter whose initial values are given rather than drawn (a pretrained or imported model, e.g. an ONNX
   * initializer). The values are cast to the set's dtype, so a float32 export can train in float64.
   */
  declareValues(name: string, values: Tensor): Value {
    if (this.initial.has(name)) throw new Error(`parameter "${name}" is declared twice; parameter names must be unique`);
    this.initial.set(name, tensor(this.dtype, values.shape, values.data as ArrayLike<number>));
    return this.g.input(name, this.dtype, values.shape);
  }

  names(): string[] {
    return [...this.initial.keys()];
  }

  initialValues(): ReadonlyMap<string, Tensor> {
    return this.initial;
  }
}
