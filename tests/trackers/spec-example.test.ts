import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { mlflowTracker } from '../../src/plugins/trackers/mlflow/mlflow-tracker.ts';

// spec: specs/tracking.md §1 — the example in the spec is a valid tracker section, so the doc cannot rot.

describe('specs/tracking.md', () => {
  it('§1 example parses with the plugin schema and keeps every value', () => {
    const spec = readFileSync(join(import.meta.dirname, '..', '..', 'specs', 'tracking.md'), 'utf8');
    const block = /## §1 Config\s+```yaml\n([\s\S]*?)```/.exec(spec)?.[1];
    const section = (parse(block ?? '') as { tracker: { name: string; params: Record<string, unknown> } }).tracker;
    expect(section.name).toBe(mlflowTracker.name);
    const params = mlflowTracker.params.parse(section.params);
    expect(params).toMatchObject(section.params);
    expect(params.artifacts).toEqual(['.tandem/config.yaml', 'reports', 'checkpoints']);
  });
});
