import type { GraphBuilder, Value } from '../graph/builder.ts';
import type { Configured } from './plugin.ts';
import type { ParameterSet } from './parameters.ts';

/**
 * A model plugin instance: adds its forward graph to a builder. Inputs arrive batched (leading `batch` axis);
 * parameters are declared through the ParameterSet so their initial values are seeded and shared by every backend.
 */
export interface Model extends Configured {
  forward(g: GraphBuilder, inputs: Readonly<Record<string, Value>>, params: ParameterSet): Record<string, Value>;
}
