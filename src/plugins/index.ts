import { analyticAdapter } from './adapters/analytic/analytic-adapter.ts';
import { npzAdapter } from './adapters/npz/npz-adapter.ts';
import { ortBackend } from './backends/onnxruntime/ort-backend.ts';
import { mlpModel } from './models/mlp/mlp.ts';
import { torchBackend } from './backends/torch/torch-backend.ts';
import { tfjsBackend } from './backends/tfjs/tfjs-backend.ts';
import type { PluginDefinition } from './plugin.ts';
import { jsonReporter } from './reporters/json/json-reporter.ts';
import { noneTracker } from './trackers/none/none-tracker.ts';
import { mlflowTracker } from './trackers/mlflow/mlflow-tracker.ts';

/**
 * Every built-in plugin, in one list. To add a plugin: import its definition and append it below (one import,
 * one line). Extra plugins from outside the package are listed in a config's `plugins:` instead.
 */
export const builtinPlugins: PluginDefinition[] = [
  noneTracker,
  mlflowTracker,
  jsonReporter,
  npzAdapter,
  torchBackend,
  ortBackend,
  analyticAdapter,
  mlpModel,
  tfjsBackend,
];
