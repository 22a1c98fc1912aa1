import { rngFor } from '../../src/data/rng.ts';
import { GraphBuilder } from '../../src/graph/builder.ts';
import type { DType } from '../../src/graph/dtype.ts';
import type { Graph } from '../../src/graph/ir.ts';
import { sizeOf, tensor, type Shape, type Tensor } from '../../src/graph/tensor.ts';
import type { Model } from '../../src/contracts/model.ts';
import { ParameterSet } from '../../src/contracts/parameters.ts';
import type { PluginDefinition } from '../../src/contracts/plugin.ts';

export interface BuiltModel {
  readonly graph: Graph;
  /** Initial parameters (seeded) and random inputs, ready to feed. */
  readonly feeds: Record<string, Tensor>;
  readonly params: ReadonlyMap<string, Tensor>;
}

/** The model's forward graph on inputs of the given (batched) shapes, with seeded parameters and U(−1, 1) inputs. */
export function buildForward(model: Model, inputs: Record<string, Shape>, dtype: DType = 'float32', seed = 0): BuiltModel {
  const g = new GraphBuilder('model');
  const values = Object.fromEntries(Object.entries(inputs).map(([k, s]) => [k, g.input(k, dtype, s)]));
  const params = new ParameterSet(g, seed, dtype);
  for (const [name, v] of Object.entries(model.forward(g, values, params))) g.output(v, name);
  const feeds: Record<string, Tensor> = Object.fromEntries(params.initialValues());
  for (const [k, s] of Object.entries(inputs)) {
    const rng = rngFor(seed, 'test-input', k);
    feeds[k] = tensor(dtype, s, Array.from({ length: sizeOf(s) }, () => 2 * rng.uniform() - 1));
  }
  return { graph: g.build(), feeds, params: params.initialValues() };
}

export function parameterCount(params: ReadonlyMap<string, Tensor>): number {
  let n = 0;
  for (const t of params.values()) n += sizeOf(t.shape);
  return n;
}

/** A model plugin instance from raw params, through its zod schema (field models construct synchronously). */
export function createModel<M extends Model>(def: PluginDefinition<'model', any, M>, params: Record<string, unknown>): M {
  const m = def.create(def.params.parse(params));
  if (m instanceof Promise) throw new Error(`model ${def.name} constructs asynchronously; the test harness expects a synchronous factory`);
  return m;
}
