import { join, relative } from 'node:path';
import { DataContainer } from '../data/container.ts';
import type { DataView } from '../data/data-view.ts';
import { isGraphDType } from '../data/data-dtype.ts';
import { sizeOf } from '../graph/tensor.ts';
import type { DataAdapter } from '../contracts/adapter.ts';
import type { Backend, BatchFeed, Session } from '../contracts/backend.ts';
import type { Model } from '../contracts/model.ts';
import type { RunHooks } from '../contracts/run-hooks.ts';
import { writeFileAtomic } from '../util/atomic-write.ts';
import { SetupError } from '../util/setup-error.ts';
import { lossBuilder, lossTermEstimates } from './losses/loss-builder.ts';
import type { LossTermConfig } from './losses/loss-kind.ts';
import type { EarlyStopOptions } from './early-stop.ts';
import { epochMetrics } from './history.ts';
import { refineWithLbfgs, type LbfgsPhaseConfig } from './lbfgs-phase.ts';
import { createOptimizer } from './optimizers/create-optimizer.ts';
import { buildTrainingProgram, type DataInputSpec, type TrainingProgram } from './program.ts';
import type { TrainProgress } from './progress.ts';
import { resultsJson, resultTable, type TrainResults } from './results.ts';
import { saveProgramGraphs } from './save-graphs.ts';
import { createSchedule } from './schedules/create-schedule.ts';
import { constantFeeds, feedOf, splitLoss, Trainer, type TrainOutcome } from './trainer.ts';
import { Checkpointer } from './checkpoint/checkpointer.ts';
import type { CheckpointOptions } from './checkpoint/checkpoint-options.ts';
import { noCheckpoints, type CheckpointSink } from './checkpoint/loop-state.ts';
import type { LoadedCheckpoint } from './checkpoint/read-checkpoint.ts';
import { restoreState } from './checkpoint/restore-state.ts';
import { CHECKPOINTS_DIR } from './checkpoint/resolve-checkpoint.ts';
import { checkpointState } from './checkpoint/manifest.ts';
import { toolVersions } from '../util/package-version.ts';
import { modelForLoss } from './losses/rollout/rollout-model.ts';
import { streamedRunReport, workloadReport, type WorkloadReport } from './evaluation/workload-report.ts';
import type { RefinementPoint } from '../reports/run-plots/loss-curve.ts';
import { declareReportFiles } from '../reports/report-files.ts';

/** The `train:` config section as this module reads it (validated by the config schema before it gets here). */
export interface TrainSettings {
  readonly epochs: number;
  readonly batch_size: number;
  readonly optimizer: unknown;
  readonly loss?: Readonly<Record<string, LossTermConfig>>;
  readonly schedule?: unknown;
  readonly schedule_interval?: 'epoch' | 'step';
  readonly clip_grad_norm?: { readonly max_norm: number };
  readonly early_stop?: EarlyStopOptions;
  /** Full-batch L-BFGS refinement after the epochs (lbfgs-phase.ts). */
  readonly lbfgs?: LbfgsPhaseConfig;
  readonly checkpoint?: CheckpointOptions;
}

/** What a checkpoint manifest records about the run's config: its hash and the resolved tree (model name and params included). */
export interface RunIdentity {
  readonly configHash: string;
  readonly config: Readonly<Record<string, unknown>>;
}

export interface TrainingRunDeps {
  readonly adapter: DataAdapter;
  readonly model: Model;
  readonly backend: Backend;
  readonly runDir: string;
  readonly experiment: string;
  readonly seed: number;
  readonly train: TrainSettings;
  readonly progress: TrainProgress;
  /**
   * Who observes the run (trackers, reporters, the step log, through the orchestrator's dispatcher): each step and
   * epoch of training (onTrainStep, logMetrics) and the report of the evaluate stage (onReport). Default: nobody.
   */
  readonly hooks?: RunHooks;
  /** Needed when train.checkpoint is set: what the checkpoint manifests record about the config. */
  readonly identity?: RunIdentity;
  /** Continue from this checkpoint (already checked against the config by openResume). */
  readonly resume?: LoadedCheckpoint;
}

/**
 * One experiment's data → model → train → evaluate, as four calls the workflow stages make in order. Each
 * returns the one-line (or table) detail the run prints; each needs the previous one to have run.
 */
export class TrainingRun {
  private data?: DataView;
  private program?: TrainingProgram;
  private graphs: Record<string, string> = {};
  private session?: Session;
  private outcome?: TrainOutcome;
  /** The L-BFGS phase's loss after each of its steps (step 0 = before the first), for the report's loss curve. */
  private lbfgsCurve?: readonly RefinementPoint[];
  private checkpoints: CheckpointSink = noCheckpoints;

  constructor(private readonly deps: TrainingRunDeps) {}

  async loadData(): Promise<string> {
    const { adapter } = this.deps;
    const data = (this.data = adapter.view ? adapter.view() : adapter.container());
    const keys = Object.entries(data.specs()).map(([k, s]) => `${k} ${s.dtype}[${s.shape.join(', ')}]`);
    return `${data.sampleCount} samples (train ${data.split.train.length}, validation ${data.split.validation.length}) from ${data.source}; per sample: ${keys.join(', ')}`;
  }

  async buildModel(): Promise<string> {
    const data = this.need(this.data, 'data');
    const { train, backend, model, seed, experiment } = this.deps;
    if (!train.loss) throw new Error('train.loss is missing: name at least one loss term, e.g. train.loss.data: {kind: mse, output: y, target: u}');
    const inputs: Record<string, DataInputSpec> = {};
    for (const [key, s] of Object.entries(data.specs())) {
      if (!isGraphDType(s.dtype)) throw new Error(`data key "${key}" is ${s.dtype}, which cannot enter a graph directly; convert it to (re, im) pairs in the adapter`);
      inputs[key] = { dtype: s.dtype, shape: s.shape, perSample: s.perSample };
    }
    const spec = {
      name: experiment,
      model: modelForLoss(model, train.loss),
      seed,
      dtype: backend.dtype,
      inputs,
      loss: lossBuilder(train.loss, 'train.loss', this.deps.adapter.lossContext?.()),
      optimizer: createOptimizer(train.optimizer),
      ...(train.clip_grad_norm ? { clip: train.clip_grad_norm } : {}),
    };
    const program = (this.program = buildTrainingProgram(spec, Math.min(train.batch_size, data.split.train.length)));
    const fixed = this.deps.model.fixedBatchSize;
    if (fixed !== undefined && program.buffers.length && program.batchSize !== fixed) {
      // A baked-in batch runs in chunks (fixed-batch.ts): each chunk would normalize by its own, zero-padded statistics.
      throw new SetupError(`the model computes batches of ${fixed} only and normalizes with batch statistics (BatchNormalization in training mode), so training in batches of ${program.batchSize} would not be torch's BatchNorm; set train.batch_size=${fixed}`);
    }
    const single = program.graphs.step.nodes.find((n) => n.op === 'BatchNormalization' && n.attrs.training_mode === 1 && valuesPerChannel(program.graphs.step.value(n.inputs[0]).shape) < 2);
    if (single) {
      throw new SetupError(`node "${single.name}" (BatchNormalization in training mode) sees one value per channel in batches of ${program.batchSize}, and a batch variance needs two (torch refuses this too); raise train.batch_size`);
    }
    if (train.lbfgs && program.buffers.length) {
      // torch's L-BFGS evaluates the loss several times per step, and each evaluation would move the statistics again.
      throw new SetupError(`train.lbfgs cannot refine a model with buffers (${program.buffers.map((b) => b.name).slice(0, 3).join(', ')}${program.buffers.length > 3 ? ', …' : ''}: BatchNormalization in training mode); remove train.lbfgs, or export the model in eval mode`);
    }
    this.graphs = saveProgramGraphs(program.graphs, this.deps.runDir);
    const count = program.params.reduce((n, p) => n + sizeOf(p.shape), 0);
    // A batch size above the train split is a full batch (the PINN configs ask for one that way): said, with the numbers.
    const clamped = train.batch_size > program.batchSize ? ` (train.batch_size ${train.batch_size} clamped to the ${program.batchSize} train samples: every step is the whole train split)` : '';
    const buffers = program.buffers.length ? `, ${program.buffers.length} buffers (${program.buffers.reduce((n, b) => n + sizeOf(b.shape), 0)} values, updated by each step, not trained)` : '';
    return `${program.params.length} parameter tensors (${count} values)${buffers}, loss terms ${program.terms.join(', ')}, batches of ${program.batchSize}${clamped}; graphs saved to ${relative(process.cwd(), join(this.deps.runDir, 'graphs'))}`;
  }

  async train(): Promise<string> {
    const data = this.need(this.data, 'data');
    const program = this.need(this.program, 'model');
    const { train, backend, progress, seed, resume } = this.deps;
    const optimizer = createOptimizer(train.optimizer);
    const schedule = createSchedule(train.schedule ?? { name: 'constant' }, optimizer.options.lr);
    const checkpoints = this.checkpointer(data, program);
    const session = (this.session = await backend.compile(program));
    if (resume) restoreState(session, program, resume);
    const trainer = new Trainer({
      epochs: train.epochs,
      batchSize: program.batchSize,
      seed,
      schedule,
      scheduleInterval: train.schedule_interval ?? 'epoch',
      ...(train.early_stop ? { earlyStop: train.early_stop } : {}),
      progress,
      ...(this.deps.hooks ? { hooks: this.deps.hooks } : {}),
      checkpoints,
      ...(resume ? { resume: resume.manifest.loop } : {}),
      ...(this.deps.adapter.epochBatches ? { batches: this.deps.adapter.epochBatches.bind(this.deps.adapter) } : {}),
      ...(this.inBatches(data) ? { validationBatchSize: program.batchSize } : {}),
      dropoutMasks: program.dropoutMasks,
    });
    this.checkpoints = checkpoints;
    this.outcome = await trainer.run(session, data);
    const { seconds, stop } = this.outcome;
    const done = this.outcome.steps - (resume?.manifest.loop.steps ?? 0);
    const from = resume ? `resumed from ${relative(process.cwd(), resume.dir) || resume.dir} at step ${resume.manifest.loop.steps}, ` : '';
    const detail = `${from}${this.outcome.history.length} epoch(s), ${done} steps in ${seconds.toFixed(2)}s on ${backend.name} (${(1000 * seconds / Math.max(done, 1)).toFixed(3)} ms/step incl. validation); stopped: ${stop.detail}`;
    const refined = train.lbfgs ? `\n${await this.refine(train.lbfgs)}` : '';
    return `${detail}${refined}${this.estimates()}`;
  }

  /** The optional L-BFGS phase on the whole train split (one batch: L-BFGS is a full-batch method). */
  private async refine(config: LbfgsPhaseConfig): Promise<string> {
    const [data, program, session] = [this.need(this.data, 'data'), this.need(this.program, 'model'), this.need(this.session, 'train')];
    if (program.batchSize !== data.split.train.length) {
      throw new Error(`train.lbfgs needs the whole train split in one batch (${data.split.train.length} samples) but train.batch_size gives ${program.batchSize}; raise train.batch_size or remove train.lbfgs`);
    }
    const feed = feedOf(data.epoch('train', { batchSize: program.batchSize, seed: this.deps.seed, epoch: 0, shuffle: false }).at(0), constantFeeds(data));
    // The loss L-BFGS returns from step k is the loss it started from (torch's LBFGS.step): after k − 1 steps.
    const curve: RefinementPoint[] = [];
    const r = await refineWithLbfgs(session, program, feed, config, (step, loss) => {
      curve.push({ step: step - 1, loss });
      this.deps.progress.step(0, step - 1, loss, config.options.lr);
    });
    this.lbfgsCurve = [...curve, { step: r.steps, loss: r.lossAfter }];
    return `L-BFGS: ${r.steps} step(s), ${r.evaluations} evaluations in ${r.seconds.toFixed(2)}s; loss ${r.lossBefore.toExponential(4)} → ${r.lossAfter.toExponential(4)}`;
  }

  /** Values the loss terms trained (an inverse problem's material constants), one line, or nothing. */
  private estimates(): string {
    const found = Object.entries(lossTermEstimates(this.deps.train.loss ?? {}, this.need(this.session, 'train').getState()));
    return found.length ? `\nestimated by the loss: ${found.map(([k, v]) => `${k} = ${v.toPrecision(6)}`).join(', ')}` : '';
  }

  /** The run's checkpointing, or none without train.checkpoint. The monitor is checked before the first step. */
  private checkpointer(data: DataView, program: TrainingProgram): CheckpointSink {
    const { train, identity, backend, runDir, experiment, seed } = this.deps;
    if (!train.checkpoint) return noCheckpoints;
    if (!identity) throw new Error('train.checkpoint is set but the run has no config identity (hash and resolved config) to record in the manifests');
    const { monitor } = train.checkpoint;
    const specs = data.specs();
    if (monitor !== undefined) {
      const zero = { loss: 0, terms: Object.fromEntries(program.terms.map((t) => [t, 0])) };
      const known = Object.keys(epochMetrics({ epoch: 0, steps: 0, train: zero, ...(data.split.validation.length ? { validation: zero } : {}), lr: 0, seconds: 0 }));
      if (!known.includes(monitor)) throw new Error(`train.checkpoint.monitor is "${monitor}", which this run does not log; the metrics are: ${known.join(', ')}`);
    }
    const model = identity.config.model as { name: string; params: Record<string, unknown> };
    return new Checkpointer(
      train.checkpoint,
      join(runDir, CHECKPOINTS_DIR),
      {
        configHash: identity.configHash,
        config: identity.config,
        experiment: { name: experiment, seed },
        model: { name: model.name, params: model.params },
        dtype: program.spec.dtype,
        inputs: Object.fromEntries(Object.entries(specs).map(([k, s]) => [k, { dtype: s.dtype, shape: s.shape, perSample: s.perSample, dims: s.dims }])),
        outputs: program.outputs,
        ...(this.deps.adapter.lossContext ? { lossContext: this.deps.adapter.lossContext() } : {}),
        state: checkpointState(program),
        backend: { name: backend.name, settings: backend.effectiveSettings() },
        batchSize: program.batchSize,
        versions: toolVersions(),
      },
    );
  }

  /** A view that is not the in-memory container: read in batches, and the in-memory evaluations are skipped. */
  private streamed(data: DataView): boolean {
    return !(data instanceof DataContainer);
  }

  /**
   * Loss on the whole train and validation splits with the final parameters (in batches of the train batch size
   * when streamed); writes results.json.
   */
  async evaluate(): Promise<{ detail: string; results: TrainResults }> {
    const data = this.need(this.data, 'data');
    const program = this.need(this.program, 'model');
    const session = this.need(this.session, 'train');
    const outcome = this.need(this.outcome, 'train');
    const constants = constantFeeds(data);
    const batchSize = this.inBatches(data) ? program.batchSize : undefined;
    const final = {
      train: await splitLoss(session, data, 'train', constants, batchSize),
      ...(data.split.validation.length ? { validation: await splitLoss(session, data, 'validation', constants, batchSize) } : {}),
    };
    const { domain, workload } = await this.testEvaluations(data, session, outcome, final);
    const estimates = lossTermEstimates(this.deps.train.loss ?? {}, session.getState());
    await session.dispose();
    const results: TrainResults = {
      history: outcome.history,
      stop: outcome.stop,
      steps: outcome.steps,
      seconds: outcome.seconds,
      final,
      container: data,
      data: {
        source: data.source,
        trainSamples: data.split.train.length,
        validationSamples: data.split.validation.length,
        batchSize: program.batchSize,
        droppedPerEpoch: data.split.train.length % program.batchSize,
      },
      checkpoint: this.checkpoints.summary(),
      resumedFrom: this.deps.resume ? { checkpoint: this.deps.resume.dir, step: this.deps.resume.manifest.loop.steps } : null,
      backend: { name: this.deps.backend.name, settings: this.deps.backend.effectiveSettings() },
      graphs: this.graphs,
      parameters: program.params.reduce((n, p) => n + sizeOf(p.shape), 0),
      estimates,
    };
    writeFileAtomic(join(this.deps.runDir, 'results.json'), `${JSON.stringify(resultsJson(results), null, 2)}\n`);
    declareReportFiles(this.deps.runDir, 'results.json');
    return { detail: `final metrics (results.json):\n${resultTable(final)}${domain ? `\n${domain}` : ''}\n${workload}`, results };
  }

  /**
   * The adapter's domain results and the workload report. A streamed view is evaluated batch by batch where the
   * evaluation allows it (rollouts); the adapter's domain results read whole splits from the container and are
   * skipped there.
   */
  private async testEvaluations(data: DataView, session: Session, outcome: TrainOutcome, final: TrainResults['final']): Promise<{ domain?: string; workload: string }> {
    const { runDir, experiment, adapter, model } = this.deps;
    const loss = this.deps.train.loss ?? {};
    const forward = (batch: BatchFeed) => session.forward(batch);
    const trained = { runDir, experiment, history: outcome.history, final, forward, loss, ...(this.lbfgsCurve ? { lbfgs: this.lbfgsCurve } : {}) };
    if (!(data instanceof DataContainer)) return { workload: await this.report(await streamedRunReport(trained, data, this.need(this.program, 'model').batchSize)) };
    const domain = adapter.afterTraining ? await adapter.afterTraining({ runDir, container: data, forward }) : undefined;
    const workload = await workloadReport({ ...trained, container: data, adapter, model, ...(domain ? { domain } : {}) });
    return { ...(domain ? { domain: domain.line } : {}), workload: await this.report(workload) };
  }

  /** Hands the report to the reporters (they write report.html) and returns the evaluate stage's line. */
  private async report({ line, report }: WorkloadReport): Promise<string> {
    await this.deps.hooks?.onReport?.(report);
    return line;
  }

  /**
   * Whether splits are evaluated in batches of the train batch size rather than whole: a streamed data set, or a
   * model with a fixed batch size (whose graph at another batch would run in chunks of it), as parity does.
   */
  private inBatches(data: DataView): boolean {
    return this.streamed(data) || this.deps.model.fixedBatchSize !== undefined;
  }

  private need<T>(value: T | undefined, stage: string): T {
    if (value === undefined) throw new Error(`the ${stage} stage has not run yet; stages run in the order data, model, train, evaluate`);
    return value;
  }
}

/** How many values each channel (axis 1) of a [N, C, …] tensor holds: what a batch statistic averages. */
function valuesPerChannel(shape: readonly number[]): number {
  return shape.reduce((a, d) => a * d, 1) / shape[1];
}
