import type { Backend, GraphExecutor } from '../contracts/backend.ts';
import { buildTrainingProgram, type ProgramSpec, type TrainingProgram } from '../train/program.ts';
import { createSchedule } from '../train/schedules/create-schedule.ts';
import type { LrSchedule } from '../train/schedules/lr-schedule.ts';
import { graphHash } from './baseline/baseline-files.ts';
import { ParityUsageError } from './errors.ts';
import type { ParityExperiment } from './experiment.ts';
import type { ParitySettings } from './parity-config.ts';
import { float64Program } from './float64-reference.ts';
import type { Reference, ReferenceRun } from '../contracts/reference.ts';
import { PARITY_SCHEMA, summarize, type ParityCase, type ParityReport, type StageName } from './report.ts';
import { selected, type Selector } from './selectors.ts';
import type { StageContext } from './stage-context.ts';
import { STAGE_RUNNERS } from './stages.ts';

/**
 * How one backend side departs from the experiment as configured. Empty for every real parity run; the
 * mutation suite uses it to plant a known bug on one side (never on the reference) and prove a stage catches it.
 */
export interface SideOverride {
  readonly spec?: (spec: ProgramSpec) => ProgramSpec;
  readonly backend?: (backend: Backend) => Backend;
  readonly schedule?: (raw: unknown, initialLr: number) => LrSchedule;
}

/** The selected stages per backend, in pipeline order. */
export type CasePlan = readonly { readonly backend: string; readonly stages: readonly StageName[] }[];

/** Which cases the selectors pick; none at all is a usage error that lists the cases there are. */
export function planCases(experiment: string, backends: readonly string[], stages: readonly StageName[], selectors: readonly Selector[]): CasePlan {
  const plan = backends.map((backend) => ({ backend, stages: stages.filter((stage) => selected(selectors, `${experiment}/${backend}/${stage}`)) }));
  if (plan.every((p) => p.stages.length === 0)) {
    const cases = backends.flatMap((b) => stages.map((s) => `${experiment}/${b}/${s}`));
    throw new ParityUsageError(`the selector(s) ${selectors.map((s) => `"${s.text}"`).join(', ')} match no parity case; this config has: ${cases.join(', ')}`);
  }
  return plan;
}

export interface CasesRequest {
  readonly experiment: ParityExperiment;
  readonly plan: CasePlan;
  readonly settings: ParitySettings;
  readonly reference: Reference;
  /** The backend plugin of that name, constructed with its settings. */
  readonly createBackend: (name: string) => Promise<Backend>;
  /** The executor localization runs side-graphs on (side-graph.ts); the caller owns it. */
  readonly localizer: GraphExecutor;
  readonly sides?: Readonly<Record<string, SideOverride>>;
  readonly onCase?: (c: ParityCase) => void;
  /** Run metadata the report carries through. */
  readonly meta: Pick<ParityReport, 'configFile' | 'configHash' | 'overrides' | 'selectors' | 'createdAt'>;
}

/**
 * The parity engine: for each backend, compile its program and open the reference's view of the unmodified
 * program, then run the selected stages in pipeline order. A stage that throws is an `error` case with the
 * message; a backend that cannot be set up makes all its cases `error` — except usage errors (exit 2), which
 * stop the run because nothing can be compared until the user fixes them.
 */
export async function runCases(request: CasesRequest): Promise<ParityReport> {
  const t0 = performance.now();
  const { experiment, settings, reference } = request;
  const cases: ParityCase[] = [];
  const backends: ParityReport['backends'] = [];
  let referenceGraphHash = '';
  const versions = await reference.versions().catch((e: unknown) => {
    throw new ParityUsageError(`the ${reference.name} reference is unavailable: ${(e as Error).message}`);
  });
  // The arbiter's second float32 run: the same reference on other CPU kernels, one process for every backend,
  // started only when a failed comparison asks for it.
  const other = settings.arbiter && reference.kind === 'live' ? reference.otherKernels?.() : undefined;
  for (const { backend: name, stages } of request.plan) {
    if (stages.length === 0) continue;
    const side = request.sides?.[name] ?? {};
    const scheduleFactory = side.schedule ?? createSchedule;
    let ctx: StageContext | undefined;
    let float64: Promise<ReferenceRun> | undefined;
    let second: Promise<ReferenceRun> | undefined;
    let executor: Promise<GraphExecutor> | undefined;
    let setupError: string | undefined;
    try {
      const created = await request.createBackend(name);
      const backend = side.backend ? side.backend(created) : created;
      backends.push({ name, dtype: backend.dtype, settings: created.effectiveSettings() });
      const base = experiment.programSpec(backend.dtype);
      const refProgram = buildTrainingProgram(base, experiment.batchSize);
      referenceGraphHash ||= graphHash(refProgram.graphs.loss);
      const program = side.spec ? buildTrainingProgram(side.spec(base), experiment.batchSize) : refProgram;
      const session = await backend.compile(program);
      const train = experiment.train;
      const refSettings = { ...(train.schedule ? { schedule: train.schedule as Record<string, unknown> } : {}), scheduleInterval: train.schedule_interval ?? ('epoch' as const) };
      const refRun = await reference.open(refProgram, refSettings);
      let float64Built: TrainingProgram | undefined;
      const program64 = () => (float64Built ??= float64Program(experiment, refProgram));
      // Why a failed float32 comparison keeps its verdict, or nothing when the float64 arbiter can run.
      const noArbiter = !settings.arbiter
        ? 'parity.arbiter is false'
        : reference.kind !== 'live'
          ? 'the reference is a recorded baseline, which cannot re-run a stage in float64; use parity.reference=torch'
          : backend.dtype !== 'float32'
            ? `the program is ${backend.dtype} already`
            : undefined;
      ctx = {
        experiment,
        backend: name,
        session,
        program,
        refProgram,
        reference: refRun,
        localizer: request.localizer,
        tolerances: settings.tolerances,
        trajectorySteps: settings.trajectorySteps,
        schedule: () => scheduleFactory(train.schedule ?? { name: 'constant' }, (train.optimizer as { lr: number }).lr),
        backendExecutor: () => (executor ??= backend.executor()),
        ...(other ? { second: () => (second ??= other.open(refProgram, refSettings)) } : {}),
        ...(noArbiter
          ? { noArbiter }
          : {
              float64: () => (float64 ??= reference.open(program64(), refSettings)),
              openFloat64: (edit: (p: TrainingProgram) => TrainingProgram) => reference.open(edit(program64()), refSettings),
            }),
      };
    } catch (e) {
      // A stale baseline or an invalid backend setting is the user's to fix (exit 2); a backend that cannot
      // compile the program is a finding about that backend (an error verdict).
      if ((e as { exitCode?: number }).exitCode === 2) {
        await other?.dispose();
        throw e;
      }
      setupError = `could not set up ${name}: ${(e as Error).message}`;
    }
    for (const stage of stages) {
      const c = await timedCase(experiment.name, name, stage, async () => {
        if (!ctx) return { verdict: 'error', reason: setupError, tolerance: {}, tensors: [] };
        const o = await STAGE_RUNNERS[stage](ctx);
        return {
          verdict: o.failure ? 'fail' : 'pass',
          ...(o.failure ? { reason: o.failure } : {}),
          tolerance: o.tolerance,
          tensors: o.tensors,
          ...(o.trajectory ? { trajectory: o.trajectory } : {}),
          ...(o.firstDivergence ? { firstDivergence: o.firstDivergence } : {}),
          ...(o.notes?.length ? { notes: o.notes } : {}),
        };
      });
      cases.push(c);
      request.onCase?.(c);
    }
    if (ctx) {
      await ctx.session.dispose();
      await ctx.reference.dispose();
      await float64?.then((r) => r.dispose(), () => undefined);
      await second?.then((r) => r.dispose(), () => undefined);
      await executor?.then((e) => e.dispose(), () => undefined);
    }
  }
  await other?.dispose();
  return {
    schema: PARITY_SCHEMA,
    ...request.meta,
    experiment: experiment.name,
    graphHash: referenceGraphHash,
    reference: { kind: reference.kind, name: reference.name, versions, ...(reference.baseline ? { baseline: { ...reference.baseline } } : {}) },
    backends,
    stages: [...settings.stages],
    trajectorySteps: settings.trajectorySteps,
    batchSize: experiment.batchSize,
    seed: experiment.seed,
    cases,
    summary: summarize(cases),
    timing: { seconds: (performance.now() - t0) / 1000 },
  };
}

type CaseBody = Omit<ParityCase, 'id' | 'experiment' | 'backend' | 'stage' | 'timing'>;

async function timedCase(experiment: string, backend: string, stage: StageName, work: () => Promise<CaseBody>): Promise<ParityCase> {
  const t = performance.now();
  const head = { id: `${experiment}/${backend}/${stage}`, experiment, backend, stage };
  try {
    return { ...head, ...(await work()), timing: { seconds: (performance.now() - t) / 1000 } };
  } catch (e) {
    return { ...head, verdict: 'error', reason: (e as Error).message, tolerance: {}, tensors: [], timing: { seconds: (performance.now() - t) / 1000 } };
  }
}
