import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Write a plan at <tmp>/plans/<status>/<initiative>/plan.yaml and return its path. */
export function writePlan(yaml: string, initiative = 'TEST-INITIATIVE', status = 'active'): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'tandem-plan-')), 'plans', status, initiative);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'plan.yaml');
  writeFileSync(file, yaml);
  return file;
}

export const EXAMPLE_PLAN = 'plans/active/QUICKSTART-ORT-TO-TFJS/plan.yaml';
