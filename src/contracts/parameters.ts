import { rngFor } from '../data/rng.ts';
import type { GraphBuilder, Value } from '../graph/builder.ts';
import type { DType } from '../graph/dtype.ts';
import { sizeOf, tensor, type Shape, type Tensor } from '../graph/tensor.ts';
import type { DropoutMask } from './dropout-masks.ts';
import { draw, type Init } from './init.ts';

/**
 * The state a model declares: trainable parameters and buffers. Each is a graph input (fed every step).
 * Parameters get initial values drawn once, in TypeScript, from a stream keyed by the experiment seed and the
 * parameter's name, so every backend and the torch reference start from the same numbers, and renaming or adding
 * one parameter never shifts another. Buffers (BatchNormalization's running statistics) are state the step
 * updates but does not train: the model names the value each becomes after a step (`updateBuffer`).
 * The set also holds the mask inputs of training-mode Dropouts (dropout-masks.ts): like parameters they are
 * graph inputs the model declares and the program feeds, drawn from the seed, but anew at every step.
 */
export class ParameterSet {
  private readonly initial = new Map<string, Tensor>();
  private readonly buffers = new Map<string, { readonly initial: Tensor; next?: Value }>();
  private readonly dropout = new Map<string, DropoutMask>();

  constructor(
    private readonly g: GraphBuilder,
    private readonly seed: number,
    readonly dtype: DType,
  ) {}

  declare(name: string, shape: Shape, init: Init): Value {
    this.checkNew(name);
    const values = draw(init, sizeOf(shape), rngFor(this.seed, 'init', name));
    this.initial.set(name, tensor(this.dtype, shape, values));
    return this.g.input(name, this.dtype, shape);
  }

  /**
   * A parameter whose initial values are given rather than drawn (a pretrained or imported model, e.g. an ONNX
   * initializer). The values are cast to the set's dtype, so a float32 export can train in float64.
   */
  declareValues(name: string, values: Tensor): Value {
    this.checkNew(name);
    this.initial.set(name, tensor(this.dtype, values.shape, values.data as ArrayLike<number>));
    return this.g.input(name, this.dtype, values.shape);
  }

  /**
   * A buffer: state with given initial values (cast to the set's dtype) that is not trained. Every buffer must
   * get its next value from `updateBuffer` before the program is built.
   */
  declareBuffer(name: string, values: Tensor): Value {
    this.checkNew(name);
    this.buffers.set(name, { initial: tensor(this.dtype, values.shape, values.data as ArrayLike<number>) });
    return this.g.input(name, this.dtype, values.shape);
  }

  /** The value buffer `name` takes after a training step (computed from the step's batch at the current state). */
  updateBuffer(name: string, next: Value): void {
    const b = this.buffers.get(name);
    if (!b) throw new Error(`buffer "${name}" is updated but was never declared (declareBuffer)`);
    if (b.next) throw new Error(`buffer "${name}" is updated twice in one forward pass; a buffer takes one new value per step`);
    const want = b.initial;
    if (next.dtype !== want.dtype || next.shape.length !== want.shape.length || next.shape.some((d, i) => d !== want.shape[i])) {
      throw new Error(`buffer "${name}" is ${want.dtype}[${want.shape.join(', ')}] but its update "${next.name}" is ${next.dtype}[${next.shape.join(', ')}]`);
    }
    b.next = next;
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

  bufferNames(): string[] {
    return [...this.buffers.keys()];
  }

  initialBuffers(): ReadonlyMap<string, Tensor> {
    return new Map([...this.buffers].map(([n, b]) => [n, b.initial]));
  }

  /** Each buffer's value after a step; throws, naming it, for a buffer the model declared but never updated. */
  bufferUpdates(): ReadonlyMap<string, Value> {
    return new Map(
      [...this.buffers].map(([n, b]) => {
        if (!b.next) throw new Error(`buffer "${n}" is declared but the model never says what it becomes after a step (updateBuffer)`);
        return [n, b.next];
      }),
    );
  }

  private checkNew(name: string): void {
    if (this.initial.has(name) || this.buffers.has(name)) throw new Error(`"${name}" is declared twice; parameter and buffer names must be unique`);
  }
}
