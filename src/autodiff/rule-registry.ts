import type { GradRule } from './rule.ts';

/**
 * Gradient rules keyed by op name. Immutable: `with` returns a copy with one rule replaced, which is how tests
 * inject a deliberately wrong rule without touching the default registry.
 */
export class RuleRegistry {
  private readonly rules: ReadonlyMap<string, GradRule>;

  constructor(rules: readonly GradRule[]) {
    const m = new Map<string, GradRule>();
    for (const r of rules) {
      if (m.has(r.op)) throw new Error(`the gradient rule for op ${r.op} is registered twice; keep one rule file per op`);
      m.set(r.op, r);
    }
    this.rules = m;
  }

  get(op: string): GradRule | undefined {
    return this.rules.get(op);
  }

  ops(): string[] {
    return [...this.rules.keys()].sort();
  }

  /** A copy in which `rule` replaces the rule for its op (or adds it). */
  with(rule: GradRule): RuleRegistry {
    return new RuleRegistry([...[...this.rules.values()].filter((r) => r.op !== rule.op), rule]);
  }
}
