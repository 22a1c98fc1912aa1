// spec: specs/config-handshake.md §2.1 (interpolation)
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveInterpolations } from '../../src/orchestrator/config/interpolate.ts';
import { OriginMap } from '../../src/orchestrator/config/origins.ts';
import type { Tree } from '../../src/orchestrator/config/tree.ts';
import { ConfigError } from '../../src/orchestrator/errors.ts';
import { runHandshake } from '../../src/orchestrator/handshake.ts';
import { experimentYaml, testPlugins } from '../orchestrator/fixtures.ts';
import { configDir } from './fixture-dir.ts';

const resolve = (tree: Tree, env: Record<string, string> = {}) => resolveInterpolations(tree, { origins: new OriginMap(), primaryFile: 'exp.yaml', env });

function failure(tree: Tree, env: Record<string, string> = {}): ConfigError {
  try {
    resolve(tree, env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected the interpolation to fail');
}

describe('interpolation of key paths', () => {
  it('a whole-value interpolation keeps the type of what it names: number, bool, null, list, section', () => {
    const out = resolve({ src: { n: 3, f: 0.5, b: false, z: null, l: [1, 'x'], d: { k: 1 } }, n: '${src.n}', f: '${src.f}', b: '${src.b}', z: '${src.z}', l: '${src.l}', d: '${src.d}' });
    expect(out).toStrictEqual({ src: { n: 3, f: 0.5, b: false, z: null, l: [1, 'x'], d: { k: 1 } }, n: 3, f: 0.5, b: false, z: null, l: [1, 'x'], d: { k: 1 } });
  });

  it('text around an interpolation makes a string; several interpolations join', () => {
    expect(resolve({ a: { n: 4, s: 'x' }, v: 'run-${a.n}-${a.s}', w: '${a.n}${a.n}', t: ' ${a.n}' })).toMatchObject({ v: 'run-4-x', w: '44', t: ' 4' });
  });

  it('relative keys: .key is in the same section, ..key one section up, list items by .0 or [0]', () => {
    const out = resolve({ top: 1, a: { x: 2, sib: '${.x}', up: '${..top}', b: { deep: '${...top}', near: '${..x}' } }, l: [10, 20], i: '${l.1}', j: '${l[0]}' });
    expect(out).toMatchObject({ a: { sib: 2, up: 1, b: { deep: 1, near: 2 } }, i: 20, j: 10 });
  });

  it('follows chains, walks into a section reached through an interpolation, and resolves a copied section inside', () => {
    const out = resolve({ base: { lr: 0.1, half: '${.lr}' }, alias: '${base}', lr: '${alias.lr}', deeper: '${alias.half}' });
    expect(out).toStrictEqual({ base: { lr: 0.1, half: 0.1 }, alias: { lr: 0.1, half: 0.1 }, lr: 0.1, deeper: 0.1 });
  });

  it("'\\${' is a literal '${', and strings without interpolations are untouched", () => {
    expect(resolve({ a: '\\${not.a.key}', b: 'cost is $5 {x}' })).toStrictEqual({ a: '${not.a.key}', b: 'cost is $5 {x}' });
  });

  // Property: a value referred to by a chain of any length, from anywhere, arrives with its type and value.
  it('any chain of references resolves to the value at its end', () => {
    const leaf = fc.oneof(fc.integer(), fc.double({ noNaN: true }), fc.boolean(), fc.constant(null), fc.string().filter((s) => !s.includes('${')));
    fc.assert(
      fc.property(leaf, fc.integer({ min: 1, max: 6 }), (value, length) => {
        const tree: Tree = { v0: value };
        for (let i = 1; i <= length; i++) tree[`v${i}`] = `\${v${i - 1}}`;
        const out = resolve(tree);
        for (let i = 0; i <= length; i++) expect(out[`v${i}`]).toStrictEqual(value);
      }),
      { numRuns: 200, seed: 20261123 },
    );
  });
});

describe('resolvers', () => {
  it('oc.env reads a variable as a string; its default is written as a string, null stays null', () => {
    const out = resolve({ home: '${oc.env:TANDEM_T_HOME}', port: '${oc.env:TANDEM_T_PORT,8080}', none: '${oc.env:TANDEM_T_PORT,null}', path: '${oc.env:TANDEM_T_HOME}/data', quoted: "${oc.env:TANDEM_T_PORT,'a,b'}" }, { TANDEM_T_HOME: '/h' });
    expect(out).toStrictEqual({ home: '/h', port: '8080', none: null, path: '/h/data', quoted: 'a,b' });
  });

  it('oc.decode types a string the way an override value is typed, so an env var can set a number', () => {
    const tree = { epochs: '${oc.decode:${oc.env:TANDEM_T_EPOCHS,3}}', list: "${oc.decode:'[1, 2]'}", dict: "${oc.decode:'{a: 1}'}" };
    expect(resolve(tree)).toStrictEqual({ epochs: 3, list: [1, 2], dict: { a: 1 } });
    expect(resolve(tree, { TANDEM_T_EPOCHS: '12' })).toStrictEqual({ epochs: 12, list: [1, 2], dict: { a: 1 } });
  });
});

describe('interpolation errors name the key and say what to do', () => {
  it.each([
    [{ train: { epochs: '${train.epoch}', epochs_base: 1 } }, /\$\{train\.epoch\} refers to 'train\.epoch', which is not in the config \('train' has no key 'epoch'\) \(key train\.epochs\)\. Check the spelling\. Did you mean 'epochs'\?/],
    [{ a: '${b}', b: '${c.d}', c: { d: '${a}' } }, /interpolations form a cycle: a → b → c\.d → a \(key a\)\. Make one of these keys a value/],
    [{ a: '${a}' }, /cycle: a → a/],
    [{ a: { b: '${...x}' } }, /\$\{\.\.\.x\} climbs 2 level\(s\) above the section 'a', past the top of the config \(key a\.b\)/],
    [{ a: 'x${b' }, /malformed interpolation: '\$\{b' opens an interpolation .* never closed .*\(key a\)\. Fix the interpolation, or write '\\\$\{' for a literal/],
    [{ a: '${}' }, /'\$\{\}' is empty/],
    [{ a: '${b c}' }, /'\$\{b c\}' is not a key/],
    [{ a: '${oc.env:TANDEM_T_UNSET}' }, /\$\{oc\.env:TANDEM_T_UNSET\} reads the environment variable TANDEM_T_UNSET, which is not set \(key a\)\. Set it \(export TANDEM_T_UNSET=…\), or give a default: \$\{oc\.env:TANDEM_T_UNSET,<default>\}/],
    [{ a: '${oc.enb:X}' }, /calls the resolver 'oc\.enb', which tandem does not have \(key a\)\. Use one of: oc\.env, oc\.decode\. Did you mean 'oc\.env'\?/],
    [{ s: { k: 1 }, a: 'x-${s}' }, /\$\{s\} is a section and cannot be part of a string \(key a\)/],
    [{ a: '${oc.decode:"1,2"}' }, /cannot decode "1,2" as one value/],
  ] as [Tree, RegExp][])('%j', (tree, message) => {
    expect(failure(tree).message).toMatch(message);
  });
});

describe('interpolation in the handshake', () => {
  const yaml = experimentYaml({ train: 'train:\n  epochs: 2\n  batch_size: ${.epochs}\n  optimizer:\n    name: sgd\n    lr: 0.1' }, 'tracker:\n  name: none\n  params: {}\nnotes: ${oc.env:TANDEM_T_UNSET_TOO}');

  async function handshake(text: string, overrides: string[] = []) {
    const configFile = join(configDir({ 'exp.yaml': text }), 'exp.yaml');
    return runHandshake({ configFile, overrides, builtins: testPlugins });
  }

  it('resolves after the overrides and before validation, so the FrozenConfig and its hash hold resolved values', async () => {
    const base = experimentYaml({ train: 'train:\n  epochs: 2\n  batch_size: ${.epochs}\n  optimizer:\n    name: sgd\n    lr: 0.1' });
    const plain = experimentYaml({ train: 'train:\n  epochs: 5\n  batch_size: 5\n  optimizer:\n    name: sgd\n    lr: 0.1' });
    const interpolated = await handshake(base, ['train.epochs=5']);
    expect(interpolated.frozen.config.train).toMatchObject({ epochs: 5, batch_size: 5 });
    // The hash is of values: the same numbers written out by hand hash the same.
    expect(interpolated.frozen.hash).toBe((await handshake(plain)).frozen.hash);
    // An override may itself interpolate.
    expect((await handshake(base, ['train.epochs=${experiment.seed}'])).frozen.config.train).toMatchObject({ epochs: 7, batch_size: 7 });
  });

  it('an error names the config file, the line of the key holding the interpolation, and the key path', async () => {
    const error = await handshake(yaml).then(() => undefined, (e: unknown) => e as ConfigError);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.message).toMatch(/exp\.yaml:\d+:1: \$\{oc\.env:TANDEM_T_UNSET_TOO\} reads the environment variable TANDEM_T_UNSET_TOO, which is not set \(key notes\)/);
  });
});
