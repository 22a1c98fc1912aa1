import { basename, dirname, resolve } from 'node:path';
import { parseSelector } from '../../parity/selectors.ts';
import { formatPath, locate, type KeyPath } from '../config/origins.ts';
import { validateAgainst } from '../config/validate.ts';
import { readYamlFile } from '../config/yaml-source.ts';
import { ConfigError } from '../errors.ts';
import { PLAN_STATUSES, planSchema, type Phase, type PlanDocument } from './plan-schema.ts';

/**
 * Read and check a plan (spec: specs/archive-and-plans.md §4). Every error names the file, line and key path:
 * the schema's own checks, then what a schema cannot see (the path layout, unique phase ids, selector syntax,
 * a phase that selects nothing).
 */
export interface Plan {
  readonly file: string;
  /** From the path: plans/<status>/<INITIATIVE>/plan.yaml. */
  readonly status: (typeof PLAN_STATUSES)[number];
  readonly document: PlanDocument;
}

export function loadPlan(file: string): Plan {
  const source = readYamlFile(file, 'plan file');
  const document = validateAgainst(planSchema, source.value, { origins: source.origins, primaryFile: file });
  const fail = (problem: string, path: KeyPath, fix: string) => new ConfigError(problem, { ...locate(source.origins.lookup(path), file), keyPath: formatPath(path) }, fix);

  const dir = basename(dirname(resolve(file)));
  if (dir !== document.initiative) {
    throw fail(`the plan's initiative is "${document.initiative}" but it lives in the directory "${dir}"`, ['initiative'], `Move it to plans/<status>/${document.initiative}/plan.yaml or rename the initiative.`);
  }
  const status = basename(dirname(dirname(resolve(file))));
  if (!(PLAN_STATUSES as readonly string[]).includes(status)) {
    throw new ConfigError(
      `the plan sits in "${status}/", which is not a plan status`,
      { file },
      `Plans live in plans/<status>/<INITIATIVE>/plan.yaml with status one of: ${PLAN_STATUSES.join(', ')}.`,
    );
  }
  document.phases.forEach((phase, i) => checkPhase(phase, i, document, fail));
  return { file, status: status as Plan['status'], document };
}

function checkPhase(phase: Phase, i: number, document: PlanDocument, fail: (problem: string, path: KeyPath, fix: string) => ConfigError): void {
  const first = document.phases.findIndex((p) => p.id === phase.id);
  if (first !== i) throw fail(`phase id "${phase.id}" is used twice (phases[${first}] and phases[${i}])`, ['phases', i, 'id'], 'Give each phase its own id.');
  const { parity, vitest } = phase.selectors;
  if (parity.length === 0 && vitest.length === 0) {
    throw fail(`phase "${phase.id}" selects nothing`, ['phases', i, 'selectors'], 'Add parity selectors (config + cases) or vitest files.');
  }
  parity.forEach((group, g) =>
    group.cases.forEach((text, c) => {
      try {
        parseSelector(text);
      } catch (error) {
        throw fail((error as Error).message, ['phases', i, 'selectors', 'parity', g, 'cases', c], 'Fix the selector.');
      }
    }),
  );
  const criteria = phase.exit_criteria;
  const decided =
    (parity.length && criteria.parity_cases_pass ? 1 : 0) +
    (vitest.length && criteria.tests_pass ? 1 : 0) +
    criteria.max_error.length +
    criteria.trajectory_holds.length;
  if (decided === 0) {
    // With no criterion a phase would pass whatever its evidence says.
    throw fail(`phase "${phase.id}" has no exit criterion left`, ['phases', i, 'exit_criteria'], 'Keep parity_cases_pass or tests_pass true, or add max_error or trajectory_holds.');
  }
  for (const [key, list] of [['max_error', criteria.max_error], ['trajectory_holds', criteria.trajectory_holds]] as const) {
    list.forEach((criterion, c) => {
      try {
        parseSelector(criterion.cases);
      } catch (error) {
        throw fail((error as Error).message, ['phases', i, 'exit_criteria', key, c, 'cases'], 'Fix the selector.');
      }
    });
  }
}

/** The phase with this id, or an error listing the ids there are. */
export function findPhase(plan: Plan, id: string): Phase {
  const phase = plan.document.phases.find((p) => p.id === id);
  if (!phase) {
    const ids = plan.document.phases.map((p) => p.id);
    throw new ConfigError(`the plan has no phase "${id}"`, { file: plan.file }, `Use one of: ${ids.join(', ')}.`);
  }
  return phase;
}
