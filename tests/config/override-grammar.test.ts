// spec: specs/config-handshake.md §3 (override grammar). Rows follow the examples of Hydra's
// website/docs/advanced/override_grammar/basic.md (Elements, Primitives, Quoted values, Lists and dicts, Sweeps).
import { describe, expect, it } from 'vitest';
import { isSweep, parseOverride, requireSingleValue } from '../../src/orchestrator/config/override.ts';
import { parseOverrideValue } from '../../src/orchestrator/config/override-value.ts';
import { UsageError } from '../../src/orchestrator/errors.ts';

describe('override values are typed like Hydra primitives', () => {
  const rows: [string, unknown][] = [
    // int, with Hydra's underscore separators
    ['10', 10],
    ['-20', -20],
    ['+5', 5],
    ['0', 0],
    ['1_000', 1000],
    ['1_000_000', 1_000_000],
    // float
    ['3.14', 3.14],
    ['-10e6', -10e6],
    ['1e-3', 0.001],
    ['.5', 0.5],
    ['5.', 5],
    ['1_000.5', 1000.5],
    ['inf', Infinity],
    ['-inf', -Infinity],
    ['INF', Infinity],
    ['nan', NaN],
    ['NaN', NaN],
    // bool, case-insensitive
    ['true', true],
    ['TrUe', true],
    ['false', false],
    ['FALSE', false],
    // null
    ['null', null],
    ['NULL', null],
    // unquoted strings, including Hydra's allowed punctuation, trimmed
    ['abc_123', 'abc_123'],
    ['/some/path/file.yaml', '/some/path/file.yaml'],
    ['-a+b:c%d*e$', '-a+b:c%d*e$'],
    ['  hello world  ', 'hello world'],
    ['01', '01'], // a leading zero is not an INT in Hydra's lexer
    ['1.2.3', '1.2.3'],
    ['truee', 'truee'],
    // quoted strings keep their type as string
    ["'hello world'", 'hello world'],
    ['"double quoted"', 'double quoted'],
    ["'10'", '10'],
    ['"true"', 'true'],
    ["'escaped \\' quote'", "escaped ' quote"],
    ['"it\'s"', "it's"],
    ["'a,b'", 'a,b'],
    // escaped characters in unquoted strings stay literal
    ['a\\,b', 'a,b'],
    // empty value (key=) is the empty string
    ['', ''],
    // lists and dicts, nested, with typed elements
    ['[1,2,3]', [1, 2, 3]],
    ['[]', []],
    ['[a, [b, c]]', ['a', ['b', 'c']]],
    ["['x y', 2.5, null, true]", ['x y', 2.5, null, true]],
    ['{a:10, b: x}', { a: 10, b: 'x' }],
    ['{}', {}],
    ['{a: [1, 2], b: {c: null}}', { a: [1, 2], b: { c: null } }],
  ];
  it.each(rows)('%j', (text, expected) => {
    const values = parseOverrideValue(text);
    expect(values).toHaveLength(1);
    expect(values[0]).toStrictEqual(expected);
  });
});

describe('a top-level comma makes a choice sweep', () => {
  const rows: [string, unknown[]][] = [
    ['1,2,3', [1, 2, 3]],
    ['a, b', ['a', 'b']],
    ['[1,2],[3,4]', [[1, 2], [3, 4]]],
    ["'x,y',z", ['x,y', 'z']],
  ];
  it.each(rows)('%j', (text, expected) => {
    expect(parseOverrideValue(text)).toStrictEqual(expected);
  });
});

// spec: specs/config-handshake.md §2.1 — an interpolation is one token, kept as text and resolved with the config.
describe('an interpolation in an override value stays text, commas and colons included', () => {
  const rows: [string, unknown[]][] = [
    ['${train.epochs}', ['${train.epochs}']],
    ['${oc.env:HOME,/tmp}', ['${oc.env:HOME,/tmp}']],
    ['run-${a.b}', ['run-${a.b}']],
    ['${oc.decode:${oc.env:N,3}}', ['${oc.decode:${oc.env:N,3}}']],
    ['[${a}, 2]', [['${a}', 2]]],
    ['${a},${b}', ['${a}', '${b}']],
    ["'${a}'", ['${a}']],
    ["${oc.decode:'{a: 1}'},x", ["${oc.decode:'{a: 1}'}", 'x']],
  ];
  it.each(rows)('%j', (text, expected) => {
    expect(parseOverrideValue(text)).toStrictEqual(expected);
  });
});

describe('override lines', () => {
  it.each([
    ['db=mysql', 'set', ['db'], ['mysql']],
    ['train.optimizer.lr=1e-3', 'set', ['train', 'optimizer', 'lr'], [0.001]],
    ['+experiment.tag=new', 'add', ['experiment', 'tag'], ['new']],
    ['++train.epochs=5', 'force', ['train', 'epochs'], [5]],
    ['~tracker', 'delete', ['tracker'], undefined],
    ['~train.epochs=5', 'delete', ['train', 'epochs'], [5]],
    ['model.params.hidden=[64, 64]', 'set', ['model', 'params', 'hidden'], [[64, 64]]],
    ['key=', 'set', ['key'], ['']],
    ['batch-size=4', 'set', ['batch-size'], [4]],
  ] as const)('%s', (raw, kind, path, values) => {
    const o = parseOverride(raw);
    expect(o.kind).toBe(kind);
    expect(o.path).toStrictEqual(path);
    expect(o.values).toStrictEqual(values);
  });

  it.each([
    ['noequals', /no '=' between the key and the value/],
    ['=5', /is not a key/],
    ['a..b=1', /is not a key/],
    ['db@pkg=x', /packages \('@'\) are not supported/],
    ['x=[1, 2', /unclosed list: missing '\]' at column/],
    ['x={a 1}', /expected ':' after dict key/],
    ["x='open", /unterminated single-quoted string at column 3/],
    ['x=int(3)', /functions such as 'int\(…\)' are not supported \(only choice\(…\) and range\(…\), as the whole value of a sweep\)/],
    ['x=[1, range(1,3)]', /functions such as 'range\(…\)' are not supported/],
    ['x=${other.key', /unclosed interpolation: missing '\}' at column 3/],
  ])('rejects %s with a sentence naming the problem', (raw, message) => {
    expect(() => parseOverride(raw)).toThrow(UsageError);
    expect(() => parseOverride(raw)).toThrow(message);
  });

  it('knows a sweep and refuses it where one run is meant', () => {
    const sweep = parseOverride('backend=onnxruntime,tfjs');
    expect(isSweep(sweep)).toBe(true);
    expect(() => requireSingleValue(sweep)).toThrow(/is a sweep over 2 values, but this command runs one configuration/);
    expect(requireSingleValue(parseOverride('backend=tfjs'))).toBe('tfjs');
  });
});

// Regression: a dict key `__proto__` replaced the parsed object's prototype instead of being stored.
describe('dict keys are data', () => {
  it('stores a __proto__ key as a key and leaves Object.prototype alone', () => {
    const [value] = parseOverrideValue('{__proto__: {polluted: 1}, a: 2}');
    expect(Object.keys(value as object)).toEqual(['__proto__', 'a']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
  });
});
