import { join } from 'node:path';
import { Container, ContainerModule } from 'inversify';
import type { PluginKind } from '../contracts/plugin.ts';
import type { RunHooks } from '../contracts/run-hooks.ts';
import type { FrozenConfig } from './frozen-config.ts';
import { HookDispatcher, type HookReceiver } from './hook-dispatcher.ts';
import type { BuiltPlugin } from './plugins/construct-plugin.ts';
import { TOKENS } from './tokens.ts';
import type { Reference } from '../contracts/reference.ts';
import { builtinPlugins } from '../plugins/index.ts';
import { LiveTorchReference } from '../plugins/backends/torch/live-torch-reference.ts';
import { ModuleTorchReference, type ModuleReferenceOptions } from '../plugins/backends/torch/module-torch-reference.ts';
import { IMPORT_TIME_OPS, readNodeTest } from '../plugins/models/onnx/node-test-reader.ts';
import { createProgress } from '../train/progress.ts';
import { StepLog } from '../train/step-log.ts';
import { RunReportWriter } from '../reports/run-plots/run-report-writer.ts';
import type { LoadedCheckpoint } from '../train/checkpoint/read-checkpoint.ts';
import { TrainingRun } from '../train/training-run.ts';
import { trainingStages } from '../train/training-stages.ts';
import { PENDING_STAGES } from './workflow/pending-stage.ts';
import type { Stage } from './workflow/stage.ts';
import { Workflow } from './workflow/workflow.ts';

/**
 * The composition root: the only module that touches the DI container (scripts/lint.mjs enforces it). Everything
 * it wires receives its dependencies through constructors.
 *
 * Modules: one for the run (FrozenConfig, run directory), one for the hook receivers (trackers and reporters,
 * the run's own step log and report writer among them) and their dispatcher, one for the workflow (stages,
 * Workflow). Only what is resolved is bound: the adapter, model and backend reach the training stages through
 * their constructors (stagesFor), and so does the dispatcher, as the RunHooks the training run reports to. The
 * FrozenConfig is bound before anything that needs it can be resolved, so nothing runs without it.
 */
// The plugin kinds that receive run hooks; the dispatcher orders them per hook (run-hooks.ts documents it).
const HOOK_KINDS = ['tracker', 'reporter'] as const;

function runModule(frozen: FrozenConfig, runDir: string): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(TOKENS.FrozenConfig).toConstantValue(frozen);
    bind(TOKENS.RunDirectory).toConstantValue(runDir);
  });
}

/**
 * What every run records beside its plugins' files, received through the same hooks: steps.tsv (each optimizer
 * step, as a tracker records) and report.html (the reporter of the evaluate stage's report).
 */
function runRecordReceivers(runDir: string): HookReceiver[] {
  return [
    { kind: 'tracker', label: "tracker 'steps.tsv'", hooks: new StepLog(join(runDir, 'steps.tsv')) },
    { kind: 'reporter', label: "reporter 'report.html'", hooks: new RunReportWriter(runDir) },
  ];
}

function hookReceiverModule(plugins: readonly BuiltPlugin[], runDir: string): ContainerModule {
  return new ContainerModule(({ bind }) => {
    for (const kind of HOOK_KINDS) {
      for (const plugin of plugins.filter((p): p is BuiltPlugin<'tracker' | 'reporter'> => p.kind === kind)) {
        bind(TOKENS.HookReceiver).toConstantValue({ kind: plugin.kind, label: plugin.label, hooks: plugin.instance });
      }
    }
    for (const receiver of runRecordReceivers(runDir)) bind(TOKENS.HookReceiver).toConstantValue(receiver);
    bind(TOKENS.HookDispatcher)
      .toDynamicValue((context) => new HookDispatcher(context.getAll(TOKENS.HookReceiver)))
      .inSingletonScope();
  });
}

function workflowModule(stages: readonly Stage[]): ContainerModule {
  return new ContainerModule(({ bind }) => {
    for (const stage of stages) bind(TOKENS.Stage).toConstantValue(stage);
    bind<Workflow>(TOKENS.Workflow).to(Workflow).inSingletonScope();
  });
}

/** Wire one run from the handshake's FrozenConfig and the constructed (and read-back-verified) plugins. */
export function assembleWorkflow(frozen: FrozenConfig, runDir: string, plugins: readonly BuiltPlugin[], resume?: LoadedCheckpoint): Workflow {
  const container = new Container();
  container.load(runModule(frozen, runDir));
  container.load(hookReceiverModule(plugins, runDir));
  // Training reports to the same dispatcher the workflow uses, so its steps, epochs and report reach every receiver.
  const hooks = container.get(TOKENS.HookDispatcher).asRunHooks();
  container.load(workflowModule(stagesFor(frozen, runDir, plugins, hooks, resume)));
  return container.get<Workflow>(TOKENS.Workflow);
}

/** The training stages once an adapter, a model and a backend are constructed; the pending ones until then. */
function stagesFor(
  frozen: FrozenConfig,
  runDir: string,
  plugins: readonly BuiltPlugin[],
  hooks: RunHooks,
  resume: LoadedCheckpoint | undefined,
): readonly Stage[] {
  const of = <K extends PluginKind>(kind: K) => plugins.find((p): p is BuiltPlugin<K> => p.kind === kind)?.instance;
  const [adapter, model, backend] = [of('adapter'), of('model'), of('backend')];
  if (!adapter || !model || !backend) return PENDING_STAGES;
  const { experiment, train } = frozen.config;
  const run = new TrainingRun({
    adapter,
    model,
    backend,
    runDir,
    experiment: experiment.name,
    seed: experiment.seed,
    train,
    progress: createProgress(process.stderr),
    hooks,
    identity: { configHash: frozen.hash, config: frozen.config as Record<string, unknown> },
    ...(resume ? { resume } : {}),
  });
  return trainingStages(run);
}

/**
 * Every built-in plugin (src/plugins/index.ts). The composition root is the only module outside src/plugins/ that
 * imports plugins (scripts/lint.mjs); commands and the orchestrator reach them through here, by name and kind.
 */
export { builtinPlugins };

/** `tandem tracker replay`: the mlflow tracker's delivery of a run's spool after an outage (specs/tracking.md §6). */
export { replaySpool } from '../plugins/trackers/mlflow/replay-spool.ts';

/**
 * `tandem conformance` reads the node tests of the ops tandem rewrites at import (Flatten, Shape, LSTM, GRU, RNN,
 * Dropout …) with the onnx model's importer, as a user's export is read (src/conformance/run-conformance.ts).
 */
export const importTimeNodeTests = { ops: IMPORT_TIME_OPS, read: readNodeTest };

/** The Python with torch the reference runs (TANDEM_TORCH_PYTHON, else Debian's); `tandem zoo` exports with it too. */
export { DEFAULT_PYTHON } from '../plugins/backends/torch/torch-process.ts';

/** The live PyTorch reference parity compares against: the torch backend's process, one for the whole run. */
export function openLiveReference(options: { python?: string; threads?: number } = {}): Reference {
  return new LiveTorchReference(options);
}

/** The user's nn.Module as the parity reference (parity.reference: torch-module:<file>:<factory>). */
export function openModuleReference(options: ModuleReferenceOptions): Reference {
  return new ModuleTorchReference(options);
}
