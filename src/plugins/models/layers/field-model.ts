import type { GraphBuilder, Value } from '../../../graph/builder.ts';
import { fmtShape } from '../../../graph/shape-utils.ts';
import type { Model } from '../../../contracts/model.ts';
import type { ParameterSet } from '../../../contracts/parameters.ts';
import { SetupError } from '../../../util/setup-error.ts';
import { fieldIo } from './field-io.ts';

/** What every field model's params hold (see `fieldIoParams`). */
export interface FieldIoSettings {
  readonly input: string;
  readonly output: string;
  readonly layout: string;
  readonly out_channels?: number | undefined;
}

/**
 * A model on a 1-D or 2-D field: the data key `input` in the configured layout becomes (batch, channel, x[, y])
 * once, `apply` runs the network on that, and the result returns to the input's layout as `output`.
 * `apply` may be called several times on one builder (e.g. per rollout step): the weights are shared.
 */
export abstract class FieldModel<P extends FieldIoSettings> implements Model {
  constructor(
    readonly modelName: string,
    protected readonly p: P,
  ) {}

  /** The network on a channels-first value (batch, C, x[, y]) → (batch, outChannels, x[, y]). */
  abstract apply(g: GraphBuilder, params: ParameterSet, x: Value, outChannels: number): Value;

  /** Why the network cannot run on a grid of these spatial sizes (x, then y), with what to change; undefined when it can. */
  protected gridProblem(_spatial: readonly number[]): string | undefined {
    return undefined;
  }

  /** Throws the grid problem, if any, naming the model and the value: called before any node is added. */
  protected checkGrid(what: string, spatial: readonly number[]): void {
    const problem = this.gridProblem(spatial);
    if (problem) throw new SetupError(`model ${this.modelName}: ${what}: ${problem}`);
  }

  forward(g: GraphBuilder, inputs: Readonly<Record<string, Value>>, params: ParameterSet): Record<string, Value> {
    const x = inputs[this.p.input];
    if (!x) throw new Error(`model ${this.modelName}: no input named "${this.p.input}" (model.params.input); the data provides ${Object.keys(inputs).join(', ')}`);
    const io = fieldIo(this.modelName, x, this.p.layout, this.p.out_channels);
    this.checkGrid(`input "${x.name}" ${fmtShape(x.shape)}`, io.spatial);
    const y = this.apply(g, params, io.toModel(g, x), io.outChannels);
    return { [this.p.output]: io.fromModel(g, y) };
  }

  effectiveSettings(): Record<string, unknown> {
    return { ...(this.p as FieldIoSettings) };
  }
}
