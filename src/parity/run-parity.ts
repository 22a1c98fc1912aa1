import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { toOnnx } from '../graph/onnx/to-onnx.ts';
import { UsageError } from '../orchestrator/errors.ts';
import { runHandshake } from '../orchestrator/handshake.ts';
import { constructPlugins } from '../orchestrator/plugins/construct-plugins.ts';
import { createRunDirectory, writeRunRecord, writeStatus } from '../orchestrator/run/run-directory.ts';
import type { DataAdapter } from '../plugins/adapters/adapter.ts';
import type { Backend } from '../plugins/backends/backend.ts';
import type { Model } from '../plugins/models/model.ts';
import type { PluginDefinition } from '../plugins/plugin.ts';
import { buildTrainingProgram, type ProgramSpec } from '../train/program.ts';
import { createSchedule } from '../train/schedules/create-schedule.ts';
import type { LrSchedule } from '../train/schedules/lr-schedule.ts';
import { writeFileAtomic } from '../util/atomic-write.ts';
import { ParityExperiment } from './experiment.ts';
import { paritySettings } from './parity-config.ts';
import { openReference } from './reference/open-reference.ts';
import type { Reference } from './reference/reference.ts';
import { PARITY_SCHEMA, summarize, type ParityCase, type ParityReport, type StageName } from './report.ts';
import { parseSelectors, selected } from './selectors.ts';
import { STAGE_RUNNERS } from './stages.ts';
import type { StageContext } from './stage-context.ts';

/**
 * How one backend side departs from the experiment as configured. Empty for every real parity run; the
 * mutation suite uses it to plant a known bug on one side (never on the reference) and prove a stage catches it.
 */
export interface SideOverride {
  readonly spec?: (spec: ProgramSpec) => ProgramSpec;
  readonly backend?: (backend: Backend) => Backend;
  readonly schedule?: (raw: unknown, initialLr: number) => LrSchedule;
}

export interface ParityRequest {
  readonly configFile: string;
  readonly overrides: readonly string[];
  readonly builtins: readonly PluginDefinition[];
  /** Where run directories go; parity.json is written into a new one. */
  readonly outputsRoot: string;
  /** `<experiment>/<backend>/<stage>` globs; none selects every case. */
  readonly selectors: readonly string[];
  readonly sides?: Readonly<Record<string, SideOverride>>;
  /** Tests inject a reference (and keep ownership of it); otherwise the config's `parity.reference` decides. */
  readonly reference?: Reference;
  /** Progress lines ("tfjs/gradients: pass (0.4 s)"), e.g. to stderr. */
  readonly onCase?: (c: ParityCase) => void;
}

export interface ParityResult {
  readonly report: ParityReport;
  readonly runDir: string;
  readonly reportPath: string;
}

/** `tandem parity`: handshake → cases (backends × stages, filtered by selectors) → reference → stages → parity.json. */
export async function runParity(request: ParityRequest): Promise<ParityResult> {
  const t0 = performance.now();
  const handshake = await runHandshake(request);
  const { frozen, catalog } = handshake;
  const settings = paritySettings(frozen.config.parity);
  const selectors = parseSelectors(request.selectors);
  const experimentName = frozen.config.experiment.name;
  const backendNames = settings.backends ?? catalog.ofKind('backend').map((d) => d.name).filter((n) => n !== 'torch');
  for (const name of backendNames) catalog.resolve('backend', name, { keyPath: 'parity.backends' });
  const plan = backendNames.map((backend) => ({
    backend,
    stages: settings.stages.filter((stage) => selected(selectors, `${experimentName}/${backend}/${stage}`)),
  }));
  if (plan.every((p) => p.stages.length === 0)) {
    const cases = backendNames.flatMap((b) => settings.stages.map((s) => `${experimentName}/${b}/${s}`));
    throw new UsageError(`the selector(s) ${selectors.map((s) => `"${s.text}"`).join(', ')} match no parity case; this config has: ${cases.join(', ')}`);
  }

  const plugins = await constructPlugins(handshake);
  const of = <T>(kind: string) => plugins.find((p) => p.kind === kind)?.instance as T;
  const experiment = new ParityExperiment(frozen, of<DataAdapter>('adapter').container(), of<Model>('model'));
  const startedAt = new Date();
  const runDir = createRunDirectory(request.outputsRoot, startedAt);
  writeRunRecord(runDir, frozen, startedAt);

  const reference = request.reference ?? (await openReference(settings, frozen));
  const cases: ParityCase[] = [];
  const backends: ParityReport['backends'] = [];
  let versions: Record<string, string> = {};
  let graphHash = '';
  try {
    versions = await reference.versions().catch((e: unknown) => {
      throw new UsageError(`the ${reference.name} reference is unavailable: ${(e as Error).message}`);
    });
    for (const { backend: name, stages } of plan) {
      if (stages.length === 0) continue;
      const side = request.sides?.[name] ?? {};
      const scheduleFactory = side.schedule ?? createSchedule;
      const runCase = (stage: StageName, work: () => Promise<Omit<ParityCase, 'id' | 'experiment' | 'backend' | 'stage' | 'timing'>>) =>
        timedCase(experimentName, name, stage, work).then((c) => {
          cases.push(c);
          request.onCase?.(c);
        });
      let ctx: StageContext | undefined;
      let setupError: string | undefined;
      try {
        const definition = catalog.resolve('backend', name, { keyPath: 'parity.backends' });
        const params = name === frozen.config.backend.name ? frozen.config.backend.params : definition.params.parse({});
        const created = (await definition.create(params)) as Backend;
        const backend = side.backend ? side.backend(created) : created;
        backends.push({ name, dtype: backend.dtype, settings: created.effectiveSettings() });
        const base = experiment.programSpec(backend.dtype);
        const refProgram = buildTrainingProgram(base, experiment.batchSize);
        graphHash ||= sha256(toOnnx(refProgram.graphs.loss));
        const program = side.spec ? buildTrainingProgram(side.spec(base), experiment.batchSize) : refProgram;
        const session = await backend.compile(program);
        const refRun = await reference.open(refProgram, { ...(experiment.train.schedule ? { schedule: experiment.train.schedule as Record<string, unknown> } : {}), scheduleInterval: experiment.train.schedule_interval ?? 'epoch' });
        ctx = {
          experiment,
          backend: name,
          session,
          program,
          refProgram,
          reference: refRun,
          tolerances: settings.tolerances,
          trajectorySteps: settings.trajectorySteps,
          schedule: () => scheduleFactory(experiment.train.schedule ?? { name: 'constant' }, (experiment.train.optimizer as { lr: number }).lr),
        };
      } catch (e) {
        setupError = `could not set up ${name}: ${(e as Error).message}`;
      }
      for (const stage of stages) {
        await runCase(stage, async () => {
          if (!ctx) return { verdict: 'error', reason: setupError, tolerance: {}, tensors: [] };
          const o = await STAGE_RUNNERS[stage](ctx);
          return {
            verdict: o.failure ? 'fail' : 'pass',
            ...(o.failure ? { reason: o.failure } : {}),
            tolerance: o.tolerance,
            tensors: o.tensors,
            ...(o.trajectory ? { trajectory: o.trajectory } : {}),
            ...(o.firstDivergence ? { firstDivergence: o.firstDivergence } : {}),
          };
        });
      }
      if (ctx) {
        await ctx.session.dispose();
        await ctx.reference.dispose();
      }
    }
  } finally {
    // An injected reference belongs to the caller (a test file shares one process across its runs).
    if (!request.reference) await reference.dispose();
  }

  const report: ParityReport = {
    schema: PARITY_SCHEMA,
    createdAt: startedAt.toISOString(),
    experiment: experimentName,
    configFile: request.configFile,
    configHash: frozen.hash,
    overrides: [...frozen.overrides],
    graphHash,
    selectors: selectors.map((s) => s.text),
    reference: { kind: reference.kind, name: reference.name, versions },
    backends,
    stages: [...settings.stages],
    trajectorySteps: settings.trajectorySteps,
    batchSize: experiment.batchSize,
    seed: experiment.seed,
    cases,
    summary: summarize(cases),
    timing: { seconds: (performance.now() - t0) / 1000 },
  };
  const reportPath = writeParityReport(runDir, report);
  writeStatus(runDir, { status: 'complete', configHash: frozen.hash, startedAt: startedAt.toISOString(), updatedAt: new Date().toISOString() });
  return { report, runDir, reportPath };
}

/** Writes `parity.json` into `dir` atomically; the reports engineer's renderers read it back with parseParityReport. */
export function writeParityReport(dir: string, report: ParityReport): string {
  const path = join(dir, 'parity.json');
  writeFileAtomic(path, `${JSON.stringify(report, null, 2)}\n`);
  return path;
}

async function timedCase(
  experiment: string,
  backend: string,
  stage: StageName,
  work: () => Promise<Omit<ParityCase, 'id' | 'experiment' | 'backend' | 'stage' | 'timing'>>,
): Promise<ParityCase> {
  const t = performance.now();
  const head = { id: `${experiment}/${backend}/${stage}`, experiment, backend, stage };
  try {
    const body = await work();
    return { ...head, ...body, timing: { seconds: (performance.now() - t) / 1000 } };
  } catch (e) {
    return { ...head, verdict: 'error', reason: (e as Error).message, tolerance: {}, tensors: [], timing: { seconds: (performance.now() - t) / 1000 } };
  }
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}


