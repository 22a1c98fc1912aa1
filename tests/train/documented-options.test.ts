import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OPTIMIZER_SCHEMAS, type OptimizerName } from '../../src/train/optimizers/optimizer-options.ts';
import { SCHEDULE_SCHEMAS } from '../../src/train/schedules/schedule-options.ts';
import { cli } from '../cli/run-cli.ts';

/**
 * Every optimizer option specs/training.md §2 documents, tried as a user would: through `tandem config show`
 * (the config handshake) and a one-step `tandem run` (the optimizer builds its step graph from it). The
 * documented table must list exactly the options the optimizer's schema accepts, and the JSON examples must
 * use every one of them. The schedule and clipping examples go the same way.
 */
const spec = readFileSync(new URL('../../specs/training.md', import.meta.url), 'utf8');
const blocks = [...spec.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]) as Record<string, unknown>);
const optimizerExamples = blocks.filter((b) => typeof b.name === 'string' && b.name in OPTIMIZER_SCHEMAS);
const scheduleExamples = blocks.filter((b) => typeof b.name === 'string' && b.name in SCHEDULE_SCHEMAS);
const clipExample = blocks.find((b) => !('name' in b))!;

/** The options the §2 table documents per optimizer: the backticked words of its options column. */
function documentedOptions(name: string): string[] {
  const row = new RegExp(`^\\| \`${name}\` \\|[^|]*\\|(.*)\\|$`, 'm').exec(spec);
  if (!row) throw new Error(`specs/training.md has no options row for optimizer ${name}`);
  return [...row[1].matchAll(/`([a-z_]+)`/g)].map((m) => m[1]);
}

const value = (v: unknown) => JSON.stringify(v);
/** `train.optimizer.<key>=<value>` overrides; keys quickstart's config lacks get a leading `+`. */
const optimizerOverrides = (example: Record<string, unknown>) =>
  Object.entries(example).map(([k, v]) => `${k === 'name' || k === 'lr' ? '' : '+'}train.optimizer.${k}=${value(v)}`);

const outputs = mkdtempSync(join(tmpdir(), 'tandem-options-'));
afterAll(() => rmSync(outputs, { recursive: true, force: true }));

async function configShow(overrides: readonly string[]) {
  const r = await cli('config', 'show', 'conf/quickstart.yaml', ...overrides, '--json');
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as { config: { train: Record<string, unknown> } };
}

async function oneStepRun(overrides: readonly string[]) {
  // 205 training samples: one batch of 200 is one optimizer step.
  const r = await cli('run', 'conf/quickstart.yaml', ...overrides, 'train.epochs=1', 'train.batch_size=200', '--outputs', outputs, '--json');
  expect(r.code, r.stderr).toBe(0);
  expect((JSON.parse(r.stdout) as { status: string }).status).toBe('complete');
}

describe('specs/training.md §2: every documented optimizer option works from a config', () => {
  it.each(Object.keys(OPTIMIZER_SCHEMAS))('the %s table row lists exactly the options its schema accepts, and an example uses them all', (name) => {
    const accepted = Object.keys(OPTIMIZER_SCHEMAS[name as OptimizerName].shape).filter((k) => k !== 'name');
    expect(documentedOptions(name).sort()).toEqual(accepted.sort());
    const example = optimizerExamples.find((b) => b.name === name);
    expect(example, `no JSON example for optimizer ${name}`).toBeDefined();
    expect(Object.keys(example!).filter((k) => k !== 'name').sort()).toEqual(accepted.sort());
  });

  it.each(optimizerExamples.map((b) => [b.name, b] as const))('%s: config show resolves every option as written, and one step trains', async (_name, example) => {
    const overrides = optimizerOverrides(example);
    expect((await configShow(overrides)).config.train.optimizer).toEqual(example);
    await oneStepRun(overrides);
  }, 60_000);

  it('the issue 12 example: sgd with momentum and nesterov', async () => {
    const overrides = ['train.optimizer.name=sgd', '+train.optimizer.momentum=0.9', '+train.optimizer.nesterov=true'];
    expect((await configShow(overrides)).config.train.optimizer).toEqual({ name: 'sgd', lr: 0.01, momentum: 0.9, nesterov: true });
    await oneStepRun(overrides);
  }, 60_000);

  it('an option of another optimizer is refused with the key and the valid options', async () => {
    const r = await cli('config', 'show', 'conf/quickstart.yaml', '+train.optimizer.nesterov=true', '--json');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("'nesterov' is not an option of optimizer adam; its options are name, lr, betas, eps, amsgrad, maximize, weight_decay");
    expect(r.stderr).toContain('key train.optimizer.nesterov');
  });

  it.each([...scheduleExamples.map((b) => [`schedule ${String(b.name)}`, `+train.schedule=${value(b)}`, 'schedule', b] as const), ['clip_grad_norm', `+train.clip_grad_norm=${value(clipExample)}`, 'clip_grad_norm', clipExample] as const])(
    '%s example: config show and one step',
    async (_what, override, key, example) => {
      expect((await configShow([override])).config.train[key]).toEqual(example);
      await oneStepRun([override]);
    },
    60_000,
  );
});
