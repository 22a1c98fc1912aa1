// spec: src/contracts/run-hooks.ts (call order) — a run that trains is observed one way: every step, epoch and
// the report reach trackers and reporters through RunHooks, in the documented order, and report.html is written
// by the run's reporter from the report the evaluate stage hands over.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Configured, PluginDefinition } from '../../src/contracts/plugin.ts';
import type { RunHooks } from '../../src/contracts/run-hooks.ts';
import { builtinPlugins } from '../../src/orchestrator/composition-root.ts';
import { runExperiment } from '../../src/orchestrator/run-experiment.ts';
import { readStepLog } from '../../src/train/step-log.ts';

const repoRoot = join(import.meta.dirname, '..', '..');

function recorder(kind: 'tracker' | 'reporter', calls: string[], failOnReport = false): PluginDefinition {
  const who = kind === 'tracker' ? 'T' : 'R';
  const hooks: Configured & RunHooks = {
    effectiveSettings: () => ({}),
    onRunStart: () => void calls.push(`${who}.start`),
    onTrainStep: (s) => void calls.push(`${who}.step(${s.step})`),
    logMetrics: (m, step) => void calls.push(`${who}.metrics(${step}, ${'train/loss' in m ? 'train/loss' : Object.keys(m)[0]})`),
    onReport: (r) => {
      calls.push(`${who}.report(${r.rows.length > 0 && r.plots.length > 0})`);
      if (failOnReport) throw new Error('cannot render');
    },
    onStageEnd: (s) => void calls.push(`${who}.stage(${s.stage})`),
    onRunEnd: (s) => void calls.push(`${who}.end(${s.status})`),
  };
  return { kind, name: `rec-${kind}`, description: 'records calls', params: z.strictObject({}), create: () => hooks };
}

async function quickstart(calls: string[], failOnReport = false) {
  const outputsRoot = mkdtempSync(join(tmpdir(), 'tandem-training-hooks-'));
  return runExperiment({
    configFile: join(repoRoot, 'conf/quickstart.yaml'),
    overrides: ['train.epochs=2', 'tracker.name=rec-tracker', 'reporter.name=rec-reporter'],
    builtins: [...builtinPlugins, recorder('tracker', calls), recorder('reporter', calls, failOnReport)],
    outputsRoot,
  });
}

describe('run hooks of a run that trains', () => {
  it('reach trackers then reporters for each step, epoch and the report, between the stage ends', async () => {
    const calls: string[] = [];
    const { runDir, summary } = await quickstart(calls);
    expect(summary.status).toBe('complete');
    const steps = readStepLog(readFileSync(join(runDir, 'steps.tsv'), 'utf8')).map((r) => r.step);
    const perEpoch = steps.length / 2;
    expect(steps).toStrictEqual(Array.from({ length: steps.length }, (_, i) => i + 1));
    const both = (call: string) => [`T.${call}`, `R.${call}`];
    const epoch = (e: number) => [...steps.slice(e * perEpoch, (e + 1) * perEpoch).flatMap((s) => both(`step(${s})`)), ...both(`metrics(${(e + 1) * perEpoch}, train/loss)`)];
    expect(calls).toStrictEqual([
      ...both('start'),
      ...both('stage(data)'),
      ...both('stage(model)'),
      ...epoch(0),
      ...epoch(1),
      ...both('stage(train)'),
      ...both('report(true)'),
      ...both('stage(evaluate)'),
      'R.end(complete)',
      'T.end(complete)',
    ]);
    // The run's own reporter rendered the same report: the evaluate line names the file it wrote.
    expect(readFileSync(join(runDir, 'report.html'), 'utf8')).toContain('<h1>quickstart: training run</h1>');
    expect(summary.stages.find((s) => s.stage === 'evaluate')?.detail).toMatch(/report .*report\.html \(loss curve, final losses\)/);
  });

  it('a reporter failing on the report fails the evaluate stage, naming the reporter', async () => {
    const calls: string[] = [];
    await expect(quickstart(calls, true)).rejects.toThrow(/plugin reporter 'rec-reporter' failed in onReport: cannot render/);
    expect(calls.slice(-3)).toStrictEqual(['R.stage(evaluate)', 'R.end(failed)', 'T.end(failed)']);
  });
});
