import { analyticAdapter } from './adapters/analytic/analytic-adapter.ts';
import { burgersAdapter } from './adapters/burgers/burgers-adapter.ts';
import { darcyAdapter } from './adapters/darcy/darcy-adapter.ts';
import { elasticAdapter } from './adapters/elastic/elastic-adapter.ts';
import { pinnAdapter } from './adapters/pinn/pinn-adapter.ts';
import { npzAdapter } from './adapters/npz/npz-adapter.ts';
import { ptychoAdapter } from './adapters/ptycho/ptycho-adapter.ts';
import { ptychoModel } from './models/ptycho/ptycho-model.ts';
import { ortBackend } from './backends/onnxruntime/ort-backend.ts';
import { mlpModel } from './models/mlp/mlp.ts';
import { convnetModel } from './models/convnet/convnet.ts';
import { resnetModel } from './models/resnet/resnet.ts';
import { unetModel } from './models/unet/unet.ts';
import { fnoModel } from './models/fno/fno.ts';
import { onnxModel } from './models/onnx/onnx-model.ts';
import { torchBackend } from './backends/torch/torch-backend.ts';
import { tfjsBackend } from './backends/tfjs/tfjs-backend.ts';
import type { PluginDefinition } from '../contracts/plugin.ts';
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
  convnetModel,
  resnetModel,
  unetModel,
  fnoModel,
  onnxModel,
  tfjsBackend,
  burgersAdapter,
  darcyAdapter,
  elasticAdapter,
  pinnAdapter,
  ptychoAdapter,
  ptychoModel,
];
