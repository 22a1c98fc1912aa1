// spec: specs/config-handshake.md §9 (exit codes, error format) and §10 (commands)
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { writeNpzFile } from '../../src/data/npz.ts';
import { builtinPlugins } from '../../src/plugins/index.ts';
import { cli, runStatuses } from './run-cli.ts';

const backends = builtinPlugins.filter((p) => p.kind === 'backend').map((p) => p.name);
/** True when backend=tfjs either resolves or must fail as an unknown plugin (some backend but not tfjs registered). */
const tfjsCheckable = backends.length > 0 && !backends.includes('tfjs');

describe('tandem config show', () => {
  it('prints the resolved config and its hash', async () => {
    const { code, stdout } = await cli('config', 'show', 'conf/quickstart.yaml');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^# config: conf\/quickstart\.yaml\n# hash: sha256:[0-9a-f]{64}\n/);
    const config = parse(stdout);
    expect(config.backend.name).toBe('onnxruntime');
    expect(config.experiment).toStrictEqual({ name: 'quickstart', seed: 0 });
  });

  // spec §5.3: the backend name is checked once any backend plugin is registered, not before.
  it('selects a backend option and prints JSON without constructing any plugin', async () => {
    const { code, stdout, stderr } = await cli('config', 'show', 'conf/quickstart.yaml', 'backend=tfjs', 'train.optimizer.lr=3e-3', '--json');
    if (!tfjsCheckable) {
      expect(code).toBe(0);
      const out = JSON.parse(stdout);
      expect(out.config.backend.name).toBe('tfjs');
      expect(out.config.train.optimizer.lr).toBe(0.003);
      expect(out.choices).toStrictEqual({ backend: 'tfjs' });
      expect(out.overrides).toStrictEqual(['backend=tfjs', 'train.optimizer.lr=3e-3']);
      expect(out.hash).toMatch(/^[0-9a-f]{64}$/);
    } else {
      // Some backend exists but tfjs does not (yet): the normal unknown-plugin error.
      expect(code).toBe(2);
      expect(stderr).toMatch(/conf\/backend\/tfjs\.yaml:\d+:1: unknown backend plugin 'tfjs' \(key backend\.name\)\. Registered backend plugins: /);
    }
  });

  it('gives different hashes to different configs and the same hash to the same one', async () => {
    const hash = async (...o: string[]) => JSON.parse((await cli('config', 'show', 'conf/quickstart.yaml', ...o, '--json')).stdout).hash;
    const base = await hash();
    expect(await hash('train.epochs=20')).toBe(base);
    expect(await hash('train.epochs=21')).not.toBe(base);
  });
});

describe('tandem plugins', () => {
  it('lists every registered plugin by kind, as JSON', async () => {
    const { code, stdout } = await cli('plugins', '--json');
    expect(code).toBe(0);
    const byKind = JSON.parse(stdout);
    expect(Object.keys(byKind)).toStrictEqual(['adapter', 'model', 'backend', 'tracker', 'reporter', 'loss']);
    const residual = byKind.loss.find((k: { name: string }) => k.name === 'residual');
    expect(residual.params.required).toEqual(expect.arrayContaining(['kind', 'equation', 'on']));
    expect(byKind.tracker).toContainEqual({ name: 'none', description: expect.stringMatching(/Records nothing/), params: expect.objectContaining({ type: 'object', properties: {} }) });
    const json = byKind.reporter.find((p: { name: string }) => p.name === 'json');
    expect(json.description).toMatch(/run summary/);
    expect(json.params.properties.file).toMatchObject({ type: 'string', default: 'summary.json' });
  });

  it('prints a readable table', async () => {
    const { stdout } = await cli('plugins');
    expect(stdout).toMatch(/^tracker\n {2}none +Records nothing.*\n +params: \(none\)$/m);
    expect(stdout).toMatch(/^ +params: file$/m);
    expect(stdout).toMatch(/^loss kinds \(train\.loss\.<term>\.kind\)\n {2}mse +mean squared error/m);
  });
});

describe('tandem run', () => {
  it('runs the quickstart end to end: handshake, run directory, every stage, exit 0', async () => {
    const outputs = mkdtempSync(join(tmpdir(), 'tandem-run-'));
    const { code, stdout } = await cli('run', 'conf/quickstart.yaml', '--outputs', outputs);
    expect(code).toBe(0);
    expect(stdout).toMatch(/hash sha256:[0-9a-f]{64}/);
    for (const stage of ['data', 'model', 'train', 'evaluate']) expect(stdout).toMatch(new RegExp(`^stage ${stage}: `, 'm'));
    // A stage that is not built says so, and then the run is partial, never complete.
    const pending = /^stage \w+: not built yet/m.test(stdout);
    expect(stdout).toMatch(pending ? /status: partial/ : /^run complete$/m);
    expect(runStatuses(outputs)).toStrictEqual([pending ? 'partial' : 'complete']);
  });

  it('--json prints the summary the json reporter wrote', async () => {
    const outputs = mkdtempSync(join(tmpdir(), 'tandem-run-'));
    const { code, stdout } = await cli('run', 'conf/quickstart.yaml', '--outputs', outputs, '--json', 'train.epochs=1');
    expect(code).toBe(0);
    const summary = JSON.parse(stdout);
    expect(['complete', 'partial']).toContain(summary.status);
    const written = JSON.parse(readFileSync(join(summary.runDir, 'summary.json'), 'utf8'));
    expect(written.configHash).toBe(summary.configHash);
    expect(written.stages).toStrictEqual(summary.stages);
  });
});

describe('a data set smaller than the batch size', () => {
  it('trains in batches of the whole train split, and says so with the numbers', async () => {
    const outputs = mkdtempSync(join(tmpdir(), 'tandem-run-'));
    const data = join(outputs, 'four-rows.npz');
    const rows = (values: number[]) => ({ dtype: 'float32' as const, shape: [4, 1], data: Float32Array.from(values), dims: ['batch', 'vector'] });
    writeNpzFile(data, { x: rows([0, 0.25, 0.5, 0.75]), y: rows([0, 0.7, 1, 0.7]) });
    const { code, stdout } = await cli('run', 'conf/quickstart.yaml', `adapter.params.path=${data}`, 'train.epochs=1', '--outputs', outputs);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^stage data: 4 samples \(train 3, validation 1\)/m);
    expect(stdout).toMatch(/^stage model: .*, batches of 3 \(train\.batch_size 16 clamped to the 3 train samples: every step is the whole train split\)/m);
  });
});

describe('an extra plugin added from the command line', () => {
  // spec §8.2: a path given by an override is relative to the working directory.
  it('the example jsonl tracker receives the run events and, when training runs, one metrics line per epoch', async () => {
    const outputs = mkdtempSync(join(tmpdir(), 'tandem-run-'));
    const { code, stdout } = await cli('run', 'conf/quickstart.yaml', '+plugins=[examples/plugins/jsonl-tracker.ts]', 'tracker.name=jsonl', 'train.epochs=2', '--outputs', outputs, '--json');
    expect(code).toBe(0);
    const summary = JSON.parse(stdout);
    const events = readFileSync(join(summary.runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(events[0]).toMatchObject({ event: 'run_start', config_hash: summary.configHash });
    expect(events.at(-1)).toMatchObject({ event: 'run_end', status: summary.status });
    const trained = summary.stages.some((s: { stage: string; status: string }) => s.stage === 'train' && s.status === 'done');
    const metrics = events.filter((e) => e.event === 'metrics');
    expect(metrics.length).toBe(trained ? 2 : 0);
    for (const m of metrics) expect(Number.isFinite(m['train/loss'])).toBe(true);
  });
});

describe('the installed entry point', () => {
  it('bin/tandem.js exits 2 with one line on stderr and no stack trace for a config error', async () => {
    const result = await execa('node', ['bin/tandem.js', 'config', 'show', 'conf/quickstart.yaml', 'train.epochs=0'], { reject: false });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/^error: command-line override 'train\.epochs=0': Too small: expected number to be >=1 \(got 0\) \(key train\.epochs\)\. Use a value >= 1\.$/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('bin/tandem.js exits 0 for config show', async () => {
    const result = await execa('node', ['bin/tandem.js', 'config', 'show', 'conf/quickstart.yaml', '--json'], { reject: false });
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout).config.backend.name).toBe('onnxruntime');
  });
});

describe('usage errors', () => {
  it.each([
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['run'], /missing required argument 'config'/],
    [['plugins', '--yaml'], /unknown option '--yaml'/],
  ])('%j exits 2 with commander’s message', async (argv, message) => {
    const { code, stderr } = await cli(...argv);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });

  it('with --json an error is also printed as JSON on stdout', async () => {
    const { code, stdout, stderr } = await cli('config', 'show', 'conf/quickstart.yaml', 'train.epochs=0', '--json');
    expect(code).toBe(2);
    expect(stderr).toMatch(/^error: .*key train\.epochs/);
    expect(JSON.parse(stdout)).toStrictEqual({ error: { kind: 'ConfigError', message: expect.stringMatching(/Too small/), exitCode: 2 } });
  });

  it('--help exits 0', async () => {
    const { code, stdout } = await cli('--help');
    expect(code).toBe(0);
    expect(stdout).toMatch(/Usage: tandem/);
  });
});
