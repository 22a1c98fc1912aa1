// spec: specs/config-handshake.md §2 (composition) and §3 (group overrides)
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { composeConfig } from '../../src/orchestrator/config/compose.ts';
import { parseOverride } from '../../src/orchestrator/config/override.ts';
import { configDir } from './fixture-dir.ts';

const files = {
  'main.yaml': ['defaults:', '  - backend: onnxruntime', '  - _self_', 'experiment:', '  name: demo', 'backend:', '  params:', '    threads: 2', ''].join('\n'),
  'backend/onnxruntime.yaml': 'name: onnxruntime\nparams:\n  threads: 1\n  device: cpu\n',
  'backend/tfjs.yaml': 'name: tfjs\nparams: {}\n',
  'tracker/mlflow.yaml': 'name: mlflow\n',
};

function compose(overrides: string[] = [], extra: Record<string, string> = {}) {
  const dir = configDir({ ...files, ...extra });
  return { dir, composed: composeConfig(join(dir, 'main.yaml'), overrides.map(parseOverride)) };
}

describe('composition with a defaults list', () => {
  it('merges a group option under its key, then the primary file on top (_self_ last)', () => {
    const { composed } = compose();
    expect(composed.tree).toStrictEqual({ experiment: { name: 'demo' }, backend: { name: 'onnxruntime', params: { threads: 2, device: 'cpu' } } });
    expect(composed.choices).toStrictEqual({ backend: 'onnxruntime' });
  });

  it('puts _self_ first when the file says so, so the group option wins', () => {
    const main = ['defaults:', '  - _self_', '  - backend: onnxruntime', 'backend:', '  params:', '    threads: 2', ''].join('\n');
    const { composed } = compose([], { 'main.yaml': main });
    expect(composed.tree).toStrictEqual({ backend: { name: 'onnxruntime', params: { threads: 1, device: 'cpu' } } });
  });

  it('selects another option from the command line (backend=tfjs)', () => {
    const { composed } = compose(['backend=tfjs']);
    expect(composed.tree.backend).toStrictEqual({ name: 'tfjs', params: { threads: 2 } });
    expect(composed.choices).toStrictEqual({ backend: 'tfjs' });
    expect(composed.valueOverrides).toStrictEqual([]);
  });

  it('adds a group with +group=option and drops one with ~group', () => {
    expect(compose(['+tracker=mlflow']).composed.tree.tracker).toStrictEqual({ name: 'mlflow' });
    expect(compose(['~backend']).composed.tree.backend).toStrictEqual({ params: { threads: 2 } });
  });

  it('passes non-group overrides through in order', () => {
    const { composed } = compose(['experiment.name=x', 'backend=tfjs', '+a=1']);
    expect(composed.valueOverrides.map((o) => o.raw)).toStrictEqual(['experiment.name=x', '+a=1']);
  });

  it('records where each key came from, including keys merged from a group file', () => {
    const { dir, composed } = compose();
    expect(composed.origins.lookup(['backend', 'params', 'device'])).toMatchObject({ file: join(dir, 'backend/onnxruntime.yaml'), line: 4, col: 3 });
    expect(composed.origins.lookup(['backend', 'params', 'threads'])).toMatchObject({ file: join(dir, 'main.yaml'), line: 8, col: 5 });
  });
});

describe("config groups fall back to tandem's own conf/", () => {
  const elsewhere = (extra: Record<string, string> = {}) =>
    configDir({ 'main.yaml': ['defaults:', '  - backend: onnxruntime', '  - _self_', 'experiment:', '  name: demo', ''].join('\n'), ...extra });

  it('a config with no groups beside it selects backend=tfjs from conf/backend/', () => {
    const dir = elsewhere();
    const composed = composeConfig(join(dir, 'main.yaml'), ['backend=tfjs'].map(parseOverride));
    expect(composed.tree.backend).toStrictEqual(parseYaml(readFileSync('conf/backend/tfjs.yaml', 'utf8')));
    expect(composed.origins.lookup(['backend', 'name'])?.file).toBe(resolve('conf/backend/tfjs.yaml'));
  });

  it('an option beside the config wins over tandem\'s of the same name, and errors list both folders\' options', () => {
    const dir = elsewhere({ 'backend/onnxruntime.yaml': 'name: onnxruntime\nparams: { threads: 7 }\n', 'backend/mine.yaml': 'name: mine\n' });
    expect(composeConfig(join(dir, 'main.yaml'), []).tree.backend).toStrictEqual({ name: 'onnxruntime', params: { threads: 7 } });
    expect(() => composeConfig(join(dir, 'main.yaml'), ['backend=nope'].map(parseOverride))).toThrow(/looked for .*backend\/nope\.yaml and .*conf\/backend\/nope\.yaml.*Valid options: mine, onnxruntime, tfjs\./s);
  });
});

describe('composition errors name the file, the line and the way out', () => {
  it('an unknown option lists the options and suggests the closest', () => {
    expect(() => compose(['backend=tfj'])).toThrow(/config group 'backend' has no option 'tfj'.*Valid options: onnxruntime, tfjs\. Did you mean 'tfjs'\?/s);
  });

  it('an unknown option in the defaults list points at its line', () => {
    expect(() => compose([], { 'main.yaml': 'defaults:\n  - backend: onnx\n' })).toThrow(/main\.yaml:2:5: config group 'backend' has no option 'onnx'/);
  });

  it('setting a group that is not in the defaults list asks for +', () => {
    expect(() => compose(['tracker=mlflow'])).toThrow(/not in the defaults list\. Add it with \+tracker=mlflow/);
  });

  it('adding a group that is already there asks for plain selection', () => {
    expect(() => compose(['+backend=tfjs'])).toThrow(/already in the defaults list\. Select an option with backend=tfjs/);
  });

  // spec: specs/config-handshake.md §2.1 — groups are chosen before interpolations resolve.
  it('refuses an interpolation as a group option, from the defaults list or an override', () => {
    const main = ['defaults:', '  - backend: ${oc.env:BACKEND}', ''].join('\n');
    expect(() => compose([], { 'main.yaml': main })).toThrow(/main\.yaml:2:5: config group 'backend' is chosen by the interpolation '\$\{oc\.env:BACKEND\}', which is not supported.*\(key backend\)\. Name the option itself \(backend=onnxruntime\)/);
    expect(() => compose(['backend=${oc.env:BACKEND,tfjs}'])).toThrow(/command-line override 'backend=\$\{oc\.env:BACKEND,tfjs\}': config group 'backend' is chosen by the interpolation/);
  });

  it('a sweep over a group is refused in a single run', () => {
    expect(() => compose(['backend=onnxruntime,tfjs'])).toThrow(/is a sweep over 2 values/);
  });

  it('malformed YAML reports the yaml library line and column', () => {
    expect(() => compose([], { 'main.yaml': 'experiment:\n  name: [demo\nseed: 1\n' })).toThrow(/main\.yaml:3:1: is not valid YAML: .*\. Fix the YAML syntax at that position\./);
  });

  it('a duplicate key is malformed YAML too', () => {
    expect(() => compose([], { 'main.yaml': 'a: 1\na: 2\n' })).toThrow(/main\.yaml:2:1: is not valid YAML: Map keys must be unique/);
  });

  it('a missing config file says so', () => {
    expect(() => composeConfig('/nonexistent/dir/x.yaml', [])).toThrow(/config file \/nonexistent\/dir\/x\.yaml does not exist\. Check the path/);
  });
});
