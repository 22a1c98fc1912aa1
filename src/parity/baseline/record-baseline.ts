import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildTrainingProgram, gradOutput } from '../../train/program.ts';
import { ParityUsageError } from '../errors.ts';
import type { ParityExperiment } from '../experiment.ts';
import { intermediateNames } from '../first-divergence.ts';
import type { Reference } from '../../contracts/reference.ts';
import { recordLocalization } from './recorded-localization.ts';
import { BASELINE_SCHEMA, dataHash, graphHash, graphSummary, writeTensors, type BaselineIdentity, type BaselineManifest } from './baseline-files.ts';

export interface RecordBaselineRequest {
  readonly dir: string;
  readonly name: string;
  readonly experiment: ParityExperiment;
  readonly identity: BaselineIdentity;
  readonly dtype: 'float32' | 'float64';
  readonly trajectorySteps: number;
  /** The live PyTorch reference the results come from; the caller owns (and disposes) it. */
  readonly live: Reference;
  /** Replace an existing baseline in `dir`. */
  readonly force?: boolean;
}

/**
 * Runs every parity stage's reference side on the live PyTorch reference and stores the results
 * (baseline-files.ts describes the layout). Written into a temporary folder and renamed into place, so a
 * baseline is never half-written; an existing one is replaced only with `force`.
 */
export async function recordBaseline(request: RecordBaselineRequest): Promise<BaselineManifest> {
  const { dir, name, experiment, dtype } = request;
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name)) throw new ParityUsageError(`the baseline name "${name}" must use letters, digits, ".", "_" and "-" (it names a folder)`);
  if (existsSync(dir) && !request.force) throw new ParityUsageError(`baseline "${name}" already exists at ${dir}; pass --force to record it again`);
  const program = buildTrainingProgram(experiment.programSpec(dtype), experiment.batchSize);
  const batch = experiment.firstBatch();
  const batches = experiment.trajectory(request.trajectorySteps);
  const { live } = request;
  const tmp = join(dirname(dir), `.${name}.recording-${process.pid}`);
  try {
    const versions = await live.versions().catch((e: unknown) => {
      throw new ParityUsageError(`cannot record a baseline: the PyTorch reference is unavailable: ${(e as Error).message}`);
    });
    const train = experiment.train;
    const run = await live.open(program, { ...(train.schedule ? { schedule: train.schedule as Record<string, unknown> } : {}), scheduleInterval: train.schedule_interval ?? 'epoch' });
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    writeTensors(join(tmp, 'init.npz'), await run.initialParams());
    writeTensors(join(tmp, 'forward.npz'), await run.forward(batch, intermediateNames(program.graphs.forward)));
    const localization = await recordLocalization(run, program, batch, tmp);
    const loss = await run.evaluate(batch);
    const grads = await run.gradients(batch);
    writeTensors(join(tmp, 'gradients.npz'), new Map([...grads.grads].map(([p, t]) => [gradOutput(p), t])));
    writeTensors(join(tmp, 'step.npz'), (await run.step(batch)).state);
    const trajectory = await run.trajectory(batches);
    writeTensors(join(tmp, 'trajectory.npz'), trajectory.state);
    // The eval stage asks one batch at a time (experiment.splitLoss): each batch's answer, keyed by its data.
    const evals: BaselineManifest['eval'] = {};
    for (const split of ['train', 'validation'] as const) {
      await experiment.splitLoss(split, async (feed) => {
        const answer = plain(await run.evaluate(feed, trajectory.state));
        evals[dataHash([feed])] = answer;
        return answer;
      });
    }
    await run.dispose();
    const manifest: BaselineManifest = {
      schema: BASELINE_SCHEMA,
      name,
      experiment: experiment.name,
      recordedAt: new Date().toISOString(),
      configFile: request.identity.configFile,
      overrides: [...request.identity.overrides],
      configHash: request.identity.configHash,
      graphHash: graphHash(program.graphs.loss),
      dataHash: dataHash(batches.map((b) => b.feed)),
      firstBatchHash: dataHash([batch]),
      dtype,
      batchSize: experiment.batchSize,
      trajectorySteps: request.trajectorySteps,
      versions,
      loss: plain(loss),
      gradientsLoss: plain(grads),
      trajectory: trajectory.records.map((r) => ({ loss: r.loss, lr: r.lr })),
      eval: evals,
      localization,
    };
    writeFileSync(join(tmp, 'config.json'), `${JSON.stringify(request.identity.config, null, 2)}\n`);
    writeFileSync(join(tmp, 'graph.txt'), `${graphSummary(program.graphs.loss).join('\n')}\n`);
    writeFileSync(join(tmp, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    if (existsSync(dir)) rmSync(dir, { recursive: true });
    renameSync(tmp, dir);
    return manifest;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function plain(r: { loss: number; terms: Readonly<Record<string, number>> }) {
  return { loss: r.loss, terms: { ...r.terms } };
}
