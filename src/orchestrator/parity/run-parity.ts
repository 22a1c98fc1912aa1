import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openReference } from './open-reference.ts';
import type { Reference } from '../../contracts/reference.ts';
import type { ParityCase, ParityReport } from '../../parity/report.ts';
import { planCases, runCases, type CasePlan, type SideOverride } from '../../parity/run-cases.ts';
import { parseSelectors, type Selector } from '../../parity/selectors.ts';
import type { PluginDefinition } from '../../contracts/plugin.ts';
import { writeFileAtomic } from '../../util/atomic-write.ts';
import { createRunDirectory, guardRunDirectory, writeRunRecord, writeStatus } from '../run/run-directory.ts';
import { setUpParity, type ParitySetup } from './parity-setup.ts';
import { buildTrainingProgram } from '../../train/program.ts';
import { renderMarkdown } from '../../reports/parity-markdown.ts';
import { renderHtml } from '../../reports/report-html.ts';
import { parityOnlyInput } from '../../reports/report-input.ts';

export interface ParityRequest {
  readonly configFile: string;
  readonly overrides: readonly string[];
  readonly builtins: readonly PluginDefinition[];
  /** Where run directories go; parity.json is written into a new one. */
  readonly outputsRoot: string;
  /** `<experiment>/<backend>/<stage>` globs; none selects every case. */
  readonly selectors: readonly string[];
  /** Planted bugs per backend (the mutation suite); empty for real runs. */
  readonly sides?: Readonly<Record<string, SideOverride>>;
  /** Tests inject a reference (and keep ownership of it); otherwise the config's `parity.reference` decides. */
  readonly reference?: Reference;
  /** Where `baseline:<name>` references are looked up (default: baselines/). */
  readonly baselinesRoot?: string;
  /** Called after each case (progress lines). */
  readonly onCase?: (c: ParityCase) => void;
}

export interface ParityResult {
  readonly report: ParityReport;
  readonly runDir: string;
  readonly reportPath: string;
}

/**
 * `tandem parity`: handshake → selected cases (backends × stages; a selector matching nothing is exit 2 before
 * anything runs) → run directory (config echoed) → reference → stages → parity.json. The run directory is
 * marked complete when parity.json is written, failed when the run stopped on an error.
 */
export async function runParity(request: ParityRequest): Promise<ParityResult> {
  const setup = await setUpParity(request);
  const { settings, experiment } = setup;
  const selectors = parseSelectors(request.selectors);
  const plan = planCases(experiment.name, setup.backendNames, settings.stages, selectors);
  // The model is prepared (a torch module exported and checked) before anything is written, into a scratch
  // folder whose files join the run directory once it exists.
  const prepared = mkdtempSync(join(tmpdir(), 'tandem-parity-model-'));
  try {
    await experiment.prepare(prepared);
    return await runPrepared(request, setup, plan, selectors, prepared);
  } finally {
    rmSync(prepared, { recursive: true, force: true });
  }
}

async function runPrepared(request: ParityRequest, setup: ParitySetup, plan: CasePlan, selectors: readonly Selector[], prepared: string): Promise<ParityResult> {
  const { frozen, settings, experiment } = setup;
  const torchPython = frozen.config.backend.name === 'torch' ? (frozen.config.backend.params as { python?: string }).python : undefined;
  // Opened and checked before the run directory exists: a reference the user must fix (a stale baseline, a
  // module that cannot load or pair its weights) leaves nothing half-written.
  const reference = request.reference ?? openReference(settings, { identity: setup.identity, ...(torchPython ? { python: torchPython } : {}), ...(request.baselinesRoot ? { baselinesRoot: request.baselinesRoot } : {}) });
  try {
    await reference.prepare?.(buildTrainingProgram(experiment.programSpec('float32'), experiment.batchSize));
  } catch (e) {
    if (!request.reference) await reference.dispose();
    throw e;
  }
  const startedAt = new Date();
  const runDir = createRunDirectory(request.outputsRoot, startedAt);
  writeRunRecord(runDir, frozen, startedAt);
  const status = (value: 'complete' | 'failed', error?: string) =>
    writeStatus(runDir, { status: value, configHash: frozen.hash, startedAt: startedAt.toISOString(), updatedAt: new Date().toISOString(), ...(error ? { error } : {}) });
  const localizer = await setup.openLocalizer();
  const releaseGuard = guardRunDirectory(runDir, { configHash: frozen.hash, startedAt: startedAt.toISOString() });
  try {
    cpSync(prepared, runDir, { recursive: true });
    const report = await runCases({
      experiment,
      plan,
      settings,
      reference,
      createBackend: setup.createBackend,
      localizer,
      ...(request.sides ? { sides: request.sides } : {}),
      ...(request.onCase ? { onCase: request.onCase } : {}),
      meta: { configFile: request.configFile, configHash: frozen.hash, overrides: [...frozen.overrides], selectors: selectors.map((s) => s.text), createdAt: startedAt.toISOString() },
    });
    const reportPath = await writeParityReport(runDir, report);
    status('complete');
    return { report, runDir, reportPath };
  } catch (e) {
    status('failed', (e as Error).message);
    throw e;
  } finally {
    releaseGuard();
    // An injected reference belongs to the caller (a test file shares one process across its runs).
    if (!request.reference) await reference.dispose();
    await localizer.dispose();
  }
}

/**
 * Writes `parity.json` (the contract; renderers read it back with parseParityReport) and its two renderings,
 * `parity.md` and `report.html`, into `dir`, each atomically. Returns the path of parity.json.
 */
export async function writeParityReport(dir: string, report: ParityReport): Promise<string> {
  const path = join(dir, 'parity.json');
  writeFileAtomic(path, `${JSON.stringify(report, null, 2)}\n`);
  const input = parityOnlyInput(report);
  writeFileAtomic(join(dir, 'parity.md'), renderMarkdown(input));
  writeFileAtomic(join(dir, 'report.html'), (await renderHtml(input)).html);
  return path;
}
