import { readdirSync } from 'node:fs';
import { RuleRegistry } from './rule-registry.ts';
import type { GradRule } from './rule.ts';

/**
 * Every gradient rule: one file per op in rules/, named after the op (`rules/Tanh.ts` exports the rule for
 * Tanh), found by listing the folder, so adding an op's rule is adding its file. A file that exports no rule, more
 * than one, or a rule for another op than its name fails here, naming the file; a rule for an op twice fails in
 * RuleRegistry.
 */
const RULES_DIR = new URL('./rules/', import.meta.url);

async function loadRule(file: string): Promise<GradRule> {
  const exports = Object.values(await import(new URL(file, RULES_DIR).href)) as unknown[];
  const rules = exports.filter((e): e is GradRule => typeof e === 'object' && e !== null && typeof (e as GradRule).op === 'string' && typeof (e as GradRule).grad === 'function');
  const op = file.replace(/\.ts$/, '');
  if (rules.length !== 1 || rules[0].op !== op) {
    throw new Error(`src/autodiff/rules/${file} must export exactly one gradient rule, for op ${op}; it exports ${rules.map((r) => `a rule for ${r.op}`).join(', ') || 'none'}`);
  }
  return rules[0];
}

export const ALL_RULES: readonly GradRule[] = await Promise.all(
  readdirSync(RULES_DIR)
    .filter((f) => /^[A-Z][A-Za-z0-9]*\.ts$/.test(f))
    .sort()
    .map(loadRule),
);

export const defaultRules = new RuleRegistry(ALL_RULES);
