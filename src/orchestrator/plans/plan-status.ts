import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { listEntries } from '../archive/read-archive.ts';
import type { ArchiveVerdict } from '../archive/manifest.ts';
import type { Plan } from './load-plan.ts';

/** Each phase of a plan with the verdict of its newest archive entry (spec: specs/archive-and-plans.md §4.4). */
export interface PhaseStatus {
  readonly id: string;
  readonly title: string;
  /** `never run` when the archive has no entry for the phase. */
  readonly verdict: ArchiveVerdict | 'never run';
  /** The newest entry's directory and time, when there is one. */
  readonly latest?: { readonly dir: string; readonly stamp: string; readonly createdAt: string };
  /** How many entries the phase has in the archive. */
  readonly runs: number;
}

export function planStatus(plan: Plan, reportsRoot: string): PhaseStatus[] {
  const initiative = plan.document.initiative;
  return plan.document.phases.map((phase) => {
    const { entries } = listEntries(reportsRoot, { initiative, phase: phase.id });
    const entry = entries.at(-1);
    const runs = entries.length;
    if (!entry) return { id: phase.id, title: phase.title, verdict: 'never run', runs };
    return { id: phase.id, title: phase.title, verdict: entry.manifest.verdict, latest: { dir: entry.dir, stamp: entry.stamp, createdAt: entry.manifest.createdAt }, runs };
  });
}

/** Every plan file under a plans root: `<root>/<status>/<INITIATIVE>/plan.yaml`, sorted by status then name. */
export function findPlanFiles(plansRoot: string): string[] {
  if (!existsSync(plansRoot)) return [];
  return readdirSync(plansRoot, { withFileTypes: true })
    .filter((status) => status.isDirectory())
    .flatMap((status) =>
      readdirSync(join(plansRoot, status.name), { withFileTypes: true })
        .filter((initiative) => initiative.isDirectory() && existsSync(join(plansRoot, status.name, initiative.name, 'plan.yaml')))
        .map((initiative) => join(plansRoot, status.name, initiative.name, 'plan.yaml')),
    )
    .sort();
}
