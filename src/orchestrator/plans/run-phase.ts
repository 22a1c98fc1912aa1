import { stringify } from 'yaml';
import type { ParityReport } from '../../parity/report.ts';
import type { ToleranceOverrides } from '../../parity/tolerances.ts';
import { builtinPlugins } from '../composition-root.ts';
import type { ReportInput, TestFileResult } from '../../reports/report-input.ts';
import { evidenceFiles, type Evidence } from '../archive/entry-evidence.ts';
import type { ArchiveVerdict } from '../archive/manifest.ts';
import { collectProvenance } from '../archive/provenance.ts';
import { ensureArchiveWritable, writeArchiveEntry, type WrittenEntry } from '../archive/write-entry.ts';
import { exitCodeOf } from '../errors.ts';
import { runHandshake } from '../handshake.ts';
import { evaluateCriteria } from './exit-criteria.ts';
import { findPhase, type Plan } from './load-plan.ts';
import type { Phase } from './plan-schema.ts';
import { runVitest } from './run-vitest.ts';

/**
 * `tandem plan run <plan> --phase <id>` (spec: specs/archive-and-plans.md §4.2), as a script:
 *   check the archive is writable and resolve every parity config (a broken config stops the phase before
 *   anything runs, exit 2) → run the parity groups → run the vitest selectors → decide the exit criteria
 *   → archive everything.
 * A parity group or test file that fails at run time is evidence, not a crash: it is archived with verdict
 * `error`, so the archive shows what was attempted.
 */
export interface ParityGroupRequest {
  readonly configFile: string;
  readonly overrides: readonly string[];
  readonly selectors: readonly string[];
}

/** Runs one experiment config's selected parity cases (the engine, adapted in parity-runner.ts). */
export type ParityRunner = (request: ParityGroupRequest, log: (line: string) => void) => Promise<ParityReport>;

export interface PhaseRunRequest {
  readonly plan: Plan;
  readonly phaseId: string;
  readonly reportsRoot: string;
  /** The project root: plan paths, config paths and test files are relative to it. */
  readonly cwd: string;
  readonly runParity: ParityRunner;
  /** Progress lines for the person waiting (stderr). */
  readonly progress: (line: string) => void;
}

export interface PhaseRunResult extends WrittenEntry {
  readonly verdict: ArchiveVerdict;
}

export async function runPhase(request: PhaseRunRequest): Promise<PhaseRunResult> {
  const { plan, progress } = request;
  const phase = findPhase(plan, request.phaseId);
  const initiative = plan.document.initiative;
  ensureArchiveWritable(request.reportsRoot, initiative, phase.id);
  const groups = await resolveGroups(phase);
  // Probing git and torch takes seconds; it runs alongside the phase instead of after it.
  const provenancePromise = collectProvenance({ cwd: request.cwd });

  const parity: ParityReport[] = [];
  const parityErrors: string[] = [];
  const logs: { name: string; text: string }[] = [];
  for (const [i, group] of groups.entries()) {
    const lines: string[] = [];
    progress(`parity ${group.configFile}: ${group.selectors.join(', ')}`);
    try {
      parity.push(
        await request.runParity(group, (line) => {
          lines.push(line);
          progress(`  ${line}`);
        }),
      );
    } catch (error) {
      // A config the engine rejects is the user's to fix (exit 2), like one the handshake rejects.
      if (exitCodeOf(error) === 2) throw error;
      const message = error instanceof Error ? error.message : String(error);
      parityErrors.push(`${group.configFile}: ${message}`);
      lines.push(`error: ${message}`);
    }
    logs.push({ name: `parity-${i + 1}`, text: `${lines.join('\n')}\n` });
  }

  const tests: TestFileResult[] = [];
  const vitestJson: (string | undefined)[] = [];
  for (const [i, selector] of phase.selectors.vitest.entries()) {
    progress(`vitest ${selector.file}${selector.filter ? ` -t "${selector.filter}"` : ''}`);
    const run = await runVitest(selector.file, selector.filter, request.cwd);
    tests.push(run.result);
    vitestJson.push(run.json);
    logs.push({ name: `vitest-${i + 1}`, text: run.log });
  }

  const criteria = evaluateCriteria(phase, { parity, parityErrors, tests });
  const broken = parityErrors.length > 0 || tests.some((t) => t.error !== undefined);
  const verdict: ArchiveVerdict = criteria.every((c) => c.passed) ? 'pass' : broken ? 'error' : 'fail';
  const provenance = await provenancePromise;
  const input: ReportInput = {
    title: `${initiative} / ${phase.id}`,
    verdict,
    context: [
      ['phase', phase.title],
      ['plan', `${plan.file} (${plan.status})`],
      ['commit', `${provenance.git.commit ?? 'not a git checkout'}${provenance.git.dirty ? ' (with uncommitted changes)' : ''}`],
    ],
    criteria,
    parity,
    tests,
  };
  const evidence: Evidence = {
    input,
    configs: groups.map((g, i) => ({ name: `${i + 1}-${g.experiment}`, yaml: stringify(g.resolved, { sortMapEntries: true }) })),
    logs,
    vitestJson,
  };
  progress(`verdict ${verdict}: ${criteria.filter((c) => c.passed).length} of ${criteria.length} exit criteria hold`);
  const written = writeArchiveEntry({
    reportsRoot: request.reportsRoot,
    files: await evidenceFiles(evidence),
    manifest: {
      initiative,
      phase: phase.id,
      ...provenance,
      configs: groups.map((g) => ({ file: g.configFile, overrides: [...g.overrides], hash: g.hash })),
      selectors: selectorTexts(phase),
      verdict,
      criteria,
    },
  });
  return { ...written, verdict };
}

interface ResolvedGroup extends ParityGroupRequest {
  readonly experiment: string;
  readonly hash: string;
  readonly resolved: unknown;
}

async function resolveGroups(phase: Phase): Promise<ResolvedGroup[]> {
  const thresholds = thresholdOverrides(phase.thresholds ?? {});
  const groups: ResolvedGroup[] = [];
  for (const group of phase.selectors.parity) {
    const overrides = [...group.overrides, ...thresholds];
    const { frozen } = await runHandshake({ configFile: group.config, overrides, builtins: builtinPlugins });
    groups.push({ configFile: group.config, overrides, selectors: group.cases, experiment: frozen.config.experiment.name, hash: frozen.hash, resolved: frozen.config });
  }
  return groups;
}

/** A phase's thresholds as config overrides: `++` sets the key whether or not the config has a parity section. */
export function thresholdOverrides(thresholds: ToleranceOverrides): string[] {
  return Object.entries(thresholds).flatMap(([stage, byDtype]) =>
    Object.entries(byDtype ?? {}).flatMap(([dtype, t]) => [
      `++parity.tolerances.${stage}.${dtype}.rtol=${t!.rtol}`,
      `++parity.tolerances.${stage}.${dtype}.atol=${t!.atol}`,
    ]),
  );
}

function selectorTexts(phase: Phase): string[] {
  return [
    ...phase.selectors.parity.flatMap((g) => g.cases.map((c) => `${g.config}: ${c}`)),
    ...phase.selectors.vitest.map((v) => `${v.file}${v.filter ? ` -t "${v.filter}"` : ''}`),
  ];
}
