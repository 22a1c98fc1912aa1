// spec: specs/archive-and-plans.md §2 (manifest example) and §4.1 (plan example): the examples in the spec are valid
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { manifestSchema } from '../../src/orchestrator/archive/manifest.ts';
import { loadPlan } from '../../src/orchestrator/plans/load-plan.ts';
import { planSchema } from '../../src/orchestrator/plans/plan-schema.ts';
import { writePlan } from './plan-files.ts';

const spec = readFileSync('specs/archive-and-plans.md', 'utf8');
const block = (lang: string) => {
  const match = new RegExp('```' + lang + '\\n([\\s\\S]*?)```').exec(spec);
  if (!match) throw new Error(`specs/archive-and-plans.md has no \`\`\`${lang} block`);
  return match[1];
};

describe('specs/archive-and-plans.md examples', () => {
  it('the manifest example satisfies the manifest schema', () => {
    const manifest = manifestSchema.parse(JSON.parse(block('json')));
    expect(manifest.phase).toBe('ort-forward');
  });

  it('the plan example is a valid plan, selectors included, when placed where its initiative says', () => {
    const yaml = block('yaml');
    const document = planSchema.parse(parse(yaml));
    const plan = loadPlan(writePlan(yaml, document.initiative));
    expect(plan.document.phases[0].exit_criteria.trajectory_holds).toStrictEqual([{ cases: 'quickstart/tfjs/trajectory', steps: 20 }]);
  });
});
