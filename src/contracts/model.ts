import type { GraphBuilder, Value } from '../graph/builder.ts';
import type { Configured } from './plugin.ts';
import type { ParameterSet } from './parameters.ts';
import type { Tensor } from '../graph/tensor.ts';

/** What a model may need before its first forward: real data and a place for the files it keeps. */
export interface ModelPreparation {
  /** One real batch of the model's inputs, by the name `forward` receives them under (leading batch axis). */
  readonly batch: ReadonlyMap<string, Tensor>;
  /** The run's directory (parity's report directory): files the model keeps, such as an exported graph, go here. */
  readonly runDir: string;
  /** The experiment seed. */
  readonly seed: number;
}

/**
 * A model plugin instance: adds its forward graph to a builder. Inputs arrive batched (leading `batch` axis);
 * parameters are declared through the ParameterSet so their initial values are seeded and shared by every backend.
 */
export interface Model extends Configured {
  forward(g: GraphBuilder, inputs: Readonly<Record<string, Value>>, params: ParameterSet): Record<string, Value>;
  /**
   * The one batch size the model computes natively, when it has one (an ONNX export with the batch baked in).
   * It still builds at any batch (in chunks of this one); evaluation and inference run in batches of it.
   */
  readonly fixedBatchSize?: number;
  /**
   * Optional: asynchronous work before the first `forward`, once per run (a PyTorch module's export to ONNX and
   * its fidelity check). A rejection is the user's input failing, so it carries its own exit code. Returns a line
   * for the run's log, or nothing.
   */
  prepare?(preparation: ModelPreparation): Promise<string | undefined>;
}
