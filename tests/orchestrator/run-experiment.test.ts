// spec: specs/config-handshake.md §8 (plugins, read-back, run directory) and run-hooks.ts (call order)
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { readStatus } from '../../src/orchestrator/run/run-directory.ts';
import { runExperiment, RunFailedError } from '../../src/orchestrator/run-experiment.ts';
import type { Configured, PluginDefinition } from '../../src/contracts/plugin.ts';
import type { RunHooks } from '../../src/contracts/run-hooks.ts';
import { configDir } from '../config/fixture-dir.ts';
import { experimentYaml, testPlugins } from './fixtures.ts';

const repoRoot = join(import.meta.dirname, '..', '..');
// No adapter plugin here: the adapter kind is pending (spec §5.3), so the workflow gets the not-built stages and
// these tests exercise the run machinery (directory, read-back, hooks) without training anything.
const runPlugins = testPlugins.filter((p) => p.kind !== 'adapter');

async function run(yaml: string, builtins: PluginDefinition[] = runPlugins, overrides: string[] = []) {
  const dir = configDir({ 'exp.yaml': yaml });
  const outputsRoot = join(dir, 'outputs');
  const attempt = runExperiment({ configFile: join(dir, 'exp.yaml'), overrides, builtins, outputsRoot });
  return { dir, outputsRoot, attempt };
}

function runDirs(outputsRoot: string): string[] {
  if (!existsSync(outputsRoot)) return [];
  return readdirSync(outputsRoot).flatMap((day) => readdirSync(join(outputsRoot, day)).map((t) => join(outputsRoot, day, t)));
}

describe('a run', () => {
  it('echoes config, overrides and hash into a Hydra-like run directory and marks it partial while stages are pending', async () => {
    const { outputsRoot, attempt } = await run(experimentYaml());
    const { runDir, summary, handshake } = await attempt;
    expect(relative(outputsRoot, runDir)).toMatch(/^\d{4}-\d{2}-\d{2}\/\d{2}-\d{2}-\d{2}(-\d+)?$/);
    const meta = join(runDir, '.tandem');
    expect(readFileSync(join(meta, 'config.sha256'), 'utf8').trim()).toBe(handshake.frozen.hash);
    expect(readFileSync(join(meta, 'config.yaml'), 'utf8')).toContain('name: demo');
    expect(readFileSync(join(meta, 'overrides.yaml'), 'utf8').trim()).toBe('[]');
    expect(readStatus(runDir).status).toBe('partial');
    expect(summary.stages.map((s) => [s.stage, s.status])).toStrictEqual([
      ['data', 'pending'],
      ['model', 'pending'],
      ['train', 'pending'],
      ['evaluate', 'pending'],
    ]);
    // The json reporter wrote the same summary.
    expect(JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8'))).toStrictEqual(summary);
    // Effective settings of every constructed plugin are kept next to the config.
    const effective = JSON.parse(readFileSync(join(meta, 'effective-settings.json'), 'utf8'));
    expect(effective.model).toStrictEqual({ name: 'dense', settings: { width: 4, depth: 2, derived: 'ok' } });
  });

  it('two runs in the same second get two directories', async () => {
    const { dir, outputsRoot } = await run(experimentYaml());
    const request = { configFile: join(dir, 'exp.yaml'), overrides: [], builtins: runPlugins, outputsRoot };
    const [a, b] = await Promise.all([runExperiment(request), runExperiment(request)]);
    expect(a.runDir).not.toBe(b.runDir);
  });

  it('fails on a plugin that does not use the settings it was given, and marks the run failed', async () => {
    const liar: PluginDefinition = {
      kind: 'model',
      name: 'liar',
      description: 'reports a different width',
      params: z.strictObject({ width: z.int() }),
      create: (p: { width: number }) => ({ effectiveSettings: () => ({ width: p.width * 2 }) }),
    };
    const { outputsRoot, attempt } = await run(experimentYaml({ model: 'model:\n  name: liar\n  params: {width: 4}' }), [...runPlugins, liar]);
    const error = await attempt.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunFailedError);
    expect((error as RunFailedError).exitCode).toBe(2);
    expect((error as Error).message).toMatch(/read-back mismatch: model 'liar' was configured with model\.params\.width = 4 but reports 8/);
    const [runDir] = runDirs(outputsRoot);
    expect(readStatus(runDir)).toMatchObject({ status: 'failed', error: expect.stringMatching(/read-back mismatch/) });
  });

  it('a plugin that throws while being constructed is named in the error', async () => {
    const broken: PluginDefinition = {
      kind: 'backend',
      name: 'broken',
      description: 'cannot start',
      params: z.strictObject({}),
      create: () => {
        throw new Error('the CUDA provider is not installed');
      },
    };
    const { outputsRoot, attempt } = await run(experimentYaml({ backend: 'backend:\n  name: broken' }), [...runPlugins, broken]);
    await expect(attempt).rejects.toThrow(/plugin backend 'broken' failed in create: the CUDA provider is not installed/);
    expect(readStatus(runDirs(outputsRoot)[0]).status).toBe('failed');
  });

  it('a config error leaves no run directory at all', async () => {
    const { outputsRoot, attempt } = await run(experimentYaml(), runPlugins, ['train.epochs=0']);
    await expect(attempt).rejects.toThrow(/Too small/);
    expect(runDirs(outputsRoot)).toStrictEqual([]);
  });
});

describe('run hooks', () => {
  function recorder(calls: string[], name: string, failOn?: keyof RunHooks): PluginDefinition {
    const hooks = (label: string): Configured & RunHooks => ({
      effectiveSettings: () => ({}),
      onRunStart: () => void calls.push(`${label}.onRunStart`),
      onStageEnd: (s) => {
        calls.push(`${label}.onStageEnd(${s.stage})`);
        if (failOn === 'onStageEnd') throw new Error('disk full');
      },
      onRunEnd: (s) => {
        calls.push(`${label}.onRunEnd(${s.status})`);
        if (failOn === 'onRunEnd') throw new Error('report disk full');
      },
    });
    return { kind: name === 'rec-tracker' ? 'tracker' : 'reporter', name, description: 'records calls', params: z.strictObject({}), create: () => hooks(name) };
  }

  it('are called in the documented order: trackers before reporters, except reporters first at onRunEnd', async () => {
    const calls: string[] = [];
    const plugins = [...runPlugins, recorder(calls, 'rec-tracker'), recorder(calls, 'rec-reporter')];
    const { attempt } = await run(experimentYaml({}, 'tracker: {name: rec-tracker}\nreporter: {name: rec-reporter}'), plugins);
    await attempt;
    const stages = ['data', 'model', 'train', 'evaluate'];
    expect(calls).toStrictEqual([
      'rec-tracker.onRunStart',
      'rec-reporter.onRunStart',
      ...stages.flatMap((s) => [`rec-tracker.onStageEnd(${s})`, `rec-reporter.onStageEnd(${s})`]),
      'rec-reporter.onRunEnd(partial)',
      'rec-tracker.onRunEnd(partial)',
    ]);
  });

  it('a failing hook surfaces with the plugin name and the hook, and the run is marked failed', async () => {
    const calls: string[] = [];
    const plugins = [...runPlugins, recorder(calls, 'rec-tracker', 'onStageEnd')];
    const { outputsRoot, attempt } = await run(experimentYaml({}, 'tracker: {name: rec-tracker}'), plugins);
    await expect(attempt).rejects.toThrow(/plugin tracker 'rec-tracker' failed in onStageEnd: disk full/);
    expect(readStatus(runDirs(outputsRoot)[0]).status).toBe('failed');
  });

  it("a reporter failing in onRunEnd still lets the tracker close its run, then surfaces", async () => {
    const calls: string[] = [];
    const plugins = [...runPlugins, recorder(calls, 'rec-tracker'), recorder(calls, 'rec-reporter', 'onRunEnd')];
    const { attempt } = await run(experimentYaml({}, 'tracker: {name: rec-tracker}\nreporter: {name: rec-reporter}'), plugins);
    await expect(attempt).rejects.toThrow(/plugin reporter 'rec-reporter' failed in onRunEnd: report disk full/);
    expect(calls.slice(-2)).toStrictEqual(['rec-reporter.onRunEnd(partial)', 'rec-tracker.onRunEnd(partial)']);
  });
});

describe('extra plugin modules named by the config', () => {
  it('loads examples/plugins/jsonl-tracker.ts relative to the config file and records the run in JSON lines', async () => {
    const dir = configDir({});
    const pluginPath = relative(dir, join(repoRoot, 'examples/plugins/jsonl-tracker.ts'));
    const { attempt } = await run(experimentYaml({}, `plugins: [${pluginPath}]\ntracker:\n  name: jsonl\n  params: {file: events.jsonl}`));
    const { runDir, handshake } = await attempt;
    expect(handshake.catalog.ofKind('tracker').map((d) => d.name)).toContain('jsonl');
    const lines = readFileSync(join(runDir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.event)).toStrictEqual(['run_start', 'stage', 'stage', 'stage', 'stage', 'run_end']);
    expect(lines[0].config_hash).toBe(handshake.frozen.hash);
    expect(lines[5].status).toBe('partial');
  });

  it('a missing module is a config error pointing at the list entry', async () => {
    const { attempt } = await run(experimentYaml({}, 'plugins:\n  - ./nope.ts'));
    await expect(attempt).rejects.toThrow(/exp\.yaml:21:5: plugin module \.\/nope\.ts does not exist .* \(key plugins\[0\]\)\. Paths in `plugins:` are relative to the config file/);
  });
});
