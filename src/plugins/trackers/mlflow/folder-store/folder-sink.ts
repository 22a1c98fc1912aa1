import { randomUUID } from 'node:crypto';
import { appendFileSync, copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../../../../util/atomic-write.ts';
import { pythonFloat } from '../python-float.ts';
import { TrackerError } from '../tracker-error.ts';
import { RUN_STATUS, type KeyValue, type Metric, type RunOpening, type RunStatusName, type TrackingSink } from '../tracking-sink.ts';
import { validateMetric, validateParam, validateTag } from '../validation.ts';
import { findOrCreateExperiment, openRoot } from './experiments.ts';
import { runMeta, writeMeta, type RunMetaFields } from './meta-yaml.ts';

const RUN_NAME_TAG = 'mlflow.runName';

/**
 * The MLflow folder store (`file:` tracking URIs), written with the layout of `mlflow/store/tracking/file_store.py`
 * (reference: docs/reference/ecosystem.md §1.2–1.6) so `mlflow ui` and `mlflow migrate-filestore` read it. Writes are synchronous:
 * they are small, and it lets `closeNow` mark the run from an `exit` handler.
 */
export class FolderSink implements TrackingSink {
  private run: { dir: string; meta: RunMetaFields; artifactsDir: string | undefined } | undefined;

  constructor(private readonly root: string) {}

  describe(): Record<string, unknown> {
    return { store: 'folder', root: this.root, ...(this.run ? { experiment_id: this.run.meta.experimentId, run_id: this.run.meta.runId } : {}) };
  }

  async open(opening: RunOpening): Promise<void> {
    openRoot(this.root);
    const experiment = findOrCreateExperiment(this.root, opening.experimentName);
    const runId = randomUUID().replaceAll('-', '');
    const dir = join(experiment.dir, runId);
    const artifactUri = `${experiment.artifactLocation}/${runId}/artifacts`;
    for (const sub of ['', 'metrics', 'params', 'tags', 'artifacts']) this.io(join(dir, sub), () => mkdirSync(join(dir, sub)));
    const meta: RunMetaFields = {
      runId,
      experimentId: experiment.id,
      runName: opening.runName,
      artifactUri,
      userId: opening.userId,
      startTime: opening.startTime,
      endTime: null,
      status: RUN_STATUS.RUNNING,
    };
    // Artifacts land in the run folder only when the experiment's artifact location is a local folder (the
    // default); an experiment created elsewhere with an s3:// location cannot be written from here.
    const artifactsDir = artifactUri.startsWith('file:') ? fileURLToPath(artifactUri) : undefined;
    this.run = { dir, meta, artifactsDir };
    if (opening.expectsArtifacts) this.artifactsDir();
    this.io(dir, () => writeMeta(dir, runMeta(meta)));
    await this.log({ tags: opening.tags });
  }

  async log(batch: { metrics?: readonly Metric[]; params?: readonly KeyValue[]; tags?: readonly KeyValue[] }): Promise<void> {
    const run = this.opened();
    for (const m of batch.metrics ?? []) {
      validateMetric(m.key, m.value, m.step);
      const file = join(run.dir, 'metrics', m.key);
      this.io(file, () => {
        mkdirSync(dirname(file), { recursive: true });
        appendFileSync(file, `${Math.round(m.timestamp)} ${pythonFloat(m.value)} ${m.step}\n`);
      });
    }
    for (const p of batch.params ?? []) {
      validateParam(p.key, p.value);
      const file = join(run.dir, 'params', p.key);
      if (existsSync(file)) {
        const old = readFileSync(file, 'utf8');
        if (old === p.value) continue;
        throw new TrackerError(
          `Changing param values is not allowed: param ${JSON.stringify(p.key)} of run ${run.meta.runId} is already ${JSON.stringify(old)}, ` +
            `the new value is ${JSON.stringify(p.value)}. Log the changed value as a new param or a tag.`,
        );
      }
      this.io(file, () => writeFileAtomic(file, p.value));
    }
    for (const t of batch.tags ?? []) {
      validateTag(t.key, t.value);
      const file = join(run.dir, 'tags', t.key);
      this.io(file, () => writeFileAtomic(file, t.value));
      // The run name lives twice (tag and meta.yaml), and MLflow keeps them equal.
      if (t.key === RUN_NAME_TAG && t.value !== run.meta.runName) this.writeRunMeta({ runName: t.value });
    }
  }

  async logArtifact(localFile: string, artifactPath: string): Promise<void> {
    const target = join(this.artifactsDir(), ...artifactPath.split('/'));
    this.io(target, () => {
      mkdirSync(dirname(target), { recursive: true });
      copyFileSync(localFile, target);
    });
  }

  async flush(): Promise<void> {}

  async close(status: RunStatusName, endTime: number): Promise<void> {
    this.closeNow(status, endTime);
  }

  closeNow(status: RunStatusName, endTime: number): void {
    this.writeRunMeta({ status: RUN_STATUS[status], endTime });
  }

  private artifactsDir(): string {
    const run = this.opened();
    if (run.artifactsDir) return run.artifactsDir;
    throw new TrackerError(
      `Run ${run.meta.runId} stores artifacts at ${run.meta.artifactUri}, which is not a local folder; the folder-store tracker ` +
        'can only copy artifacts into a file: location. Use an experiment with the default artifact location, or set tracker.params.artifacts: [].',
    );
  }

  private writeRunMeta(change: Partial<RunMetaFields>): void {
    const run = this.opened();
    run.meta = { ...run.meta, ...change };
    this.io(run.dir, () => writeMeta(run.dir, runMeta(run.meta)));
  }

  private opened() {
    if (!this.run) throw new TrackerError('The MLflow folder store was written to before the run was opened (onRunStart did not run or failed).');
    return this.run;
  }

  /** Filesystem failures after the run is open still name the file and the store, not just an errno. */
  private io(path: string, write: () => void): void {
    try {
      write();
    } catch (error) {
      if (error instanceof TrackerError) throw error;
      const e = error as NodeJS.ErrnoException;
      throw new TrackerError(`Cannot write ${path} in the MLflow folder store ${this.root} (${e.code ?? e.message}).`, { cause: error });
    }
  }
}
