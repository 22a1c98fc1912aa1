import { rngFor } from '../data/rng.ts';
import type { GraphBuilder, Value } from '../graph/builder.ts';
import type { DType } from '../graph/dtype.ts';
import { sizeOf, tensor, type Shape, type Tensor } from '../graph/tensor.ts';
import type { DropoutMask } from './dropout-masks.ts';
import { draw, type Init } from './init.ts';

/**
 * The trainable parameters of one model: each is a graph input (fed every step) with initial values drawn once,
 * in TypeScript, from a stream keyed by the experiment seed and the parameter's name. Every backend and the torch
 * reference therefore start from the same numbers, and renaming or adding one parameter never shifts another.
 * The set also holds the mask inputs of training-mode Dropouts (dropout-masks.ts): like parameters they are
 * graph inputs the model declares and the program feeds, drawn from the seed, but anew at every step.
 */
export class ParameterSet {
  private readonly initial = new Map<string, Tensor>();
  private readonly dropout = new Map<string, DropoutMask>();

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

  /**
   * The mask input of a training-mode Dropout. A model built twice on one builder (a loss's input derivatives
   * rebuild the forward pass) gets the same input back; another shape under the same name is an error.
   */
  dropoutMask(name: string, shape: Shape, ratio: number): Value {
    const known = this.dropout.get(name);
    if (known) {
      if (known.shape.join() !== shape.join() || known.ratio !== ratio) {
        throw new Error(`the Dropout mask "${name}" is declared again with shape [${shape.join(', ')}] (ratio ${ratio}), first with [${known.shape.join(', ')}] (ratio ${known.ratio}); a training-mode Dropout must see one shape per program`);
      }
      return this.g.value(name);
    }
    this.dropout.set(name, { name, shape: [...shape], ratio });
    return this.g.input(name, this.dtype, shape);
  }

  /** The Dropout masks declared so far, in declaration order. */
  dropoutMasks(): DropoutMask[] {
    return [...this.dropout.values()];
  }

  names(): string[] {
    return [...this.initial.keys()];
  }

  initialValues(): ReadonlyMap<string, Tensor> {
    return this.initial;
  }
}
