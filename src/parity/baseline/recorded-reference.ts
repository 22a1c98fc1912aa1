import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Tensor } from '../../graph/tensor.ts';
import type { BatchFeed, GradientsResult, StepResult } from '../../contracts/backend.ts';
import { gradOutput, type TrainingProgram } from '../../train/program.ts';
import { configDiff } from '../../util/config-diff.ts';
import { ParityUsageError } from '../errors.ts';
import type { Reference, ReferenceRun, TrajectoryBatch, TrajectoryResult } from '../../contracts/reference.ts';
import { RecordedLocalization } from './recorded-localization.ts';
import { BATCHED_EVAL_SCHEMAS, dataHash, graphHash, graphSummary, readManifest, readTensors, type BaselineIdentity, type BaselineManifest } from './baseline-files.ts';

/**
 * A recorded baseline as the reference. It is refused, with the reason, when what it was recorded from has
 * changed: the resolved config (which keys), the loss graph (which nodes), the dtype, the batch size or the
 * batches themselves. A stale baseline would make parity compare against a different experiment.
 * Localization works for forward (every intermediate was recorded), and for loss and gradients through the
 * requests recorded with it (recorded-localization.ts) when the side's graphs are the reference's.
 */
export class RecordedReference implements Reference {
  readonly kind = 'recorded';

  private constructor(
    readonly name: string,
    private readonly dir: string,
    private readonly manifest: BaselineManifest,
  ) {}

  static load(name: string, dir: string, identity: BaselineIdentity): RecordedReference {
    let manifest: BaselineManifest;
    try {
      manifest = readManifest(dir);
    } catch (e) {
      throw new ParityUsageError(`parity.reference names baseline "${name}": ${(e as Error).message}`);
    }
    const now = identity.configHash;
    if (now !== manifest.configHash) {
      const recorded = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
      const changes = configDiff(recorded, identity.config);
      throw new ParityUsageError(
        `baseline "${name}" was recorded from a different config (sha256 ${manifest.configHash.slice(0, 12)}, now ${now.slice(0, 12)}); changed: ${changes.join('; ') || 'key order only'}. ` +
          `Record it again with \`tandem baseline record ${identity.configFile}${identity.overrides.length ? ` ${identity.overrides.join(' ')}` : ''} --name ${name} --force\`, or compare against the live reference (parity.reference=torch)`,
      );
    }
    return new RecordedReference(name, dir, manifest);
  }

  async versions(): Promise<Record<string, string>> {
    return { ...this.manifest.versions };
  }

  get baseline() {
    return { path: this.dir, configHash: this.manifest.configHash, graphHash: this.manifest.graphHash, recordedAt: this.manifest.recordedAt };
  }

  async open(program: TrainingProgram): Promise<ReferenceRun> {
    const m = this.manifest;
    const refuse = (what: string) => {
      throw new ParityUsageError(`baseline "${this.name}" cannot serve this run: ${what}; record it again (tandem baseline record … --name ${this.name} --force)`);
    };
    if (program.spec.dtype !== m.dtype) refuse(`it was recorded in ${m.dtype} and this backend runs ${program.spec.dtype}`);
    if (program.batchSize !== m.batchSize) refuse(`it was recorded with batch size ${m.batchSize}, this run uses ${program.batchSize}`);
    const hash = graphHash(program.graphs.loss);
    if (hash !== m.graphHash) {
      const before = readFileSync(join(this.dir, 'graph.txt'), 'utf8').split('\n').filter(Boolean);
      const after = graphSummary(program.graphs.loss);
      const i = before.findIndex((line, k) => line !== after[k]);
      const where = i < 0 ? (after.length > before.length ? `nodes added after "${after[before.length]}"` : 'inputs, outputs or constants differ') : `first changed node: recorded "${before[i]}", now "${after[i] ?? '(none)'}"`;
      refuse(`the loss graph changed since it was recorded (model, loss or op code changed: ${before.length} → ${after.length} nodes; ${where})`);
    }
    return new RecordedRun(this.dir, m, program, new RecordedLocalization(this.name, this.dir, m.localization));
  }

  async dispose(): Promise<void> {}
}

class RecordedRun implements ReferenceRun {
  private readonly cache = new Map<string, Map<string, Tensor>>();

  constructor(
    private readonly dir: string,
    private readonly m: BaselineManifest,
    private readonly program: TrainingProgram,
    private readonly localization: RecordedLocalization,
  ) {}

  readonly execute: ReferenceRun['execute'] = (...args) => this.localization.execute(...args);
  readonly autograd: ReferenceRun['autograd'] = (...args) => this.localization.autograd(...args);

  async initialParams() {
    return this.file('init');
  }

  async forward(batch: BatchFeed, extraOutputs: readonly string[]) {
    this.sameData(batch, 'forward');
    const all = this.file('forward');
    return new Map([...this.program.outputs, ...extraOutputs].filter((n) => all.has(n)).map((n) => [n, all.get(n)!]));
  }

  async evaluate(batch: BatchFeed, state?: ReadonlyMap<string, Tensor>): Promise<StepResult> {
    if (!state) {
      this.sameData(batch, 'loss');
      return this.m.loss;
    }
    if (!BATCHED_EVAL_SCHEMAS.includes(this.m.schema)) {
      throw new Error(
        `baseline "${this.m.name}" is ${this.m.schema}: it recorded the eval stage on each whole split as one batch, and parity now evaluates a split in batches of train.batch_size (specs/parity.md "eval"), so its recorded numbers answer a different question; record it again (tandem baseline record … --name ${this.m.name} --force)`,
      );
    }
    const e = this.m.eval[dataHash([batch])];
    if (!e) throw new Error(`baseline "${this.m.name}" recorded no evaluation on this batch of the split (the data split changed?); record it again (tandem baseline record … --name ${this.m.name} --force)`);
    return e;
  }

  async gradients(batch: BatchFeed): Promise<GradientsResult> {
    this.sameData(batch, 'gradients');
    const g = this.file('gradients');
    return { ...this.m.gradientsLoss, grads: new Map(this.program.params.map((p) => [p.name, g.get(gradOutput(p.name))!])) };
  }

  async step(batch: BatchFeed) {
    this.sameData(batch, 'step');
    return { result: this.m.loss, state: this.file('step') };
  }

  async trajectory(batches: readonly TrajectoryBatch[]): Promise<TrajectoryResult> {
    if (batches.length !== this.m.trajectorySteps) {
      throw new Error(`the baseline recorded a ${this.m.trajectorySteps}-step trajectory and parity.trajectory_steps is ${batches.length}; set parity.trajectory_steps=${this.m.trajectorySteps} or record again`);
    }
    if (dataHash(batches.map((b) => b.feed)) !== this.m.dataHash) throw new Error('the trajectory batches differ from the recorded ones (the data file changed); record the baseline again');
    return { records: this.m.trajectory, state: this.file('trajectory') };
  }

  async dispose(): Promise<void> {}

  private sameData(batch: BatchFeed, stage: string): void {
    if (dataHash([batch]) !== this.m.firstBatchHash) {
      throw new Error(`the ${stage} stage's batch differs from the one the baseline was recorded with (the data file changed); record the baseline again`);
    }
  }

  private file(stage: string): Map<string, Tensor> {
    let t = this.cache.get(stage);
    if (!t) this.cache.set(stage, (t = readTensors(join(this.dir, `${stage}.npz`))));
    return t;
  }
}
