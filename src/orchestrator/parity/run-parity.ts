import { join } from 'node:path';
import { openReference } from './open-reference.ts';
import type { Reference } from '../../contracts/reference.ts';
import type { ParityCase, ParityReport } from '../../parity/report.ts';
import { planCases, runCases, type SideOverride } from '../../parity/run-cases.ts';
import { parseSelectors } from '../../parity/selectors.ts';
import type { PluginDefinition } from '../../contracts/plugin.ts';
import { writeFileAtomic } from '../../util/atomic-write.ts';
import { createRunDirectory, guardRunDirectory, writeRunRecord, writeStatus } from '../run/run-directory.ts';
import { setUpParity } from './parity-setup.ts';
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
  const { frozen, settings, experiment } = setup;
  const selectors = parseSelectors(request.selectors);
  const plan = planCases(experiment.name, setup.backendNames, settings.stages, selectors);
  const startedAt = new Date();
  const runDir = createRunDirectory(request.outputsRoot, startedAt);
  writeRunRecord(runDir, frozen, startedAt);
  const status = (value: 'complete' | 'failed', error?: string) =>
    writeStatus(runDir, { status: value, configHash: frozen.hash, startedAt: startedAt.toISOString(), updatedAt: new Date().toISOString(), ...(error ? { error } : {}) });
  const torchPython = frozen.config.backend.name === 'torch' ? (frozen.config.backend.params as { python?: string }).python : undefined;
  let reference: Reference | undefined;
  const localizer = await setup.openLocalizer();
  const releaseGuard = guardRunDirectory(runDir, { configHash: frozen.hash, startedAt: startedAt.toISOString() });
  try {
    await experiment.prepare(runDir);
    reference = request.reference ?? openReference(settings, { identity: setup.identity, ...(torchPython ? { python: torchPython } : {}), ...(request.baselinesRoot ? { baselinesRoot: request.baselinesRoot } : {}) });
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
    if (reference && !request.reference) await reference.dispose();
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
