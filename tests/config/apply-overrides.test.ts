// spec: specs/config-handshake.md §3 (struct-mode override rules, as Hydra's +, ++ and ~)
import { describe, expect, it } from 'vitest';
import { applyOverrides } from '../../src/orchestrator/config/apply-overrides.ts';
import { OriginMap } from '../../src/orchestrator/config/origins.ts';
import { parseOverride } from '../../src/orchestrator/config/override.ts';

const base = () => ({ train: { epochs: 10, optimizer: { name: 'adam', lr: 0.001 } }, plugins: [] as string[] });
const apply = (...raw: string[]) => applyOverrides(base(), new OriginMap(), raw.map(parseOverride)) as ReturnType<typeof base> & Record<string, unknown>;

describe('applying overrides', () => {
  it('key=value changes an existing key, typed', () => {
    expect(apply('train.optimizer.lr=3e-3', 'train.epochs=1_000').train).toStrictEqual({ epochs: 1000, optimizer: { name: 'adam', lr: 0.003 } });
  });

  it('+key=value adds a new key, creating sections on the way', () => {
    expect(apply('+train.optimizer.momentum=0.9').train.optimizer).toStrictEqual({ name: 'adam', lr: 0.001, momentum: 0.9 });
    expect(apply('+extra.deep.key=x')).toMatchObject({ extra: { deep: { key: 'x' } } });
  });

  it('++key=value adds or overrides', () => {
    expect(apply('++train.epochs=3', '++train.seed=4').train).toMatchObject({ epochs: 3, seed: 4 });
  });

  it('~key deletes, and ~key=value only when the value matches', () => {
    expect(apply('~train.optimizer.lr').train.optimizer).toStrictEqual({ name: 'adam' });
    expect(apply('~train.epochs=10').train).not.toHaveProperty('epochs');
    expect(() => apply('~train.epochs=11')).toThrow(/its value is 10, not the one given/);
  });

  it('does not modify the tree it was given', () => {
    const tree = base();
    applyOverrides(tree, new OriginMap(), [parseOverride('train.epochs=1')]);
    expect(tree.train.epochs).toBe(10);
  });

  it('records the override as the origin of the key it set', () => {
    const origins = new OriginMap();
    applyOverrides(base(), origins, [parseOverride('train.epochs=1')]);
    expect(origins.lookup(['train', 'epochs'])).toStrictEqual({ file: '', override: 'train.epochs=1' });
  });

  it.each([
    ['train.epoch=5', /cannot override 'train.epoch': there is no such key.*\. Did you mean 'epochs'\? To add a new key, write \+train\.epoch=5\./],
    ['train.zzz=5', /cannot override 'train.zzz': there is no such key in the config \(key train\.zzz\)\. To add a new key, write \+train\.zzz=5\./],
    ['+train.epochs=5', /cannot add 'train.epochs': the key already exists.*write train\.epochs=5/],
    ['~train.nope', /cannot delete 'train.nope': there is no such key/],
    ['trian.epochs=5', /there is no key 'trian' in the config.*Did you mean 'train'\?/],
    ['train.epochs.x=1', /'train.epochs' is a number, not a section with keys/],
    ['train.epochs=1,2', /is a sweep over 2 values/],
  ])('%s fails with a sentence naming the override', (raw, message) => {
    expect(() => apply(raw)).toThrow(message);
    expect(() => apply(raw)).toThrow(raw.includes(',') ? /sweep/ : new RegExp(`command-line override '${raw.replace(/[.+~]/g, '\\$&')}'`));
  });
});
