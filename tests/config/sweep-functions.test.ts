// spec: specs/sweeps.md §1 (sweep functions choice(…) and range(…))
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSweep, parseOverride, requireSingleValue } from '../../src/orchestrator/config/override.ts';
import { UsageError } from '../../src/orchestrator/errors.ts';

const values = (raw: string) => parseOverride(raw).values;

describe('range(…) has Hydra semantics', () => {
  it.each([
    ['x=range(1,4)', [1, 2, 3]],
    ['x=range(4)', [0, 1, 2, 3]],
    ['x=range(10, 0, -3)', [10, 7, 4, 1]],
    ['x=range(1, 10, step=4)', [1, 5, 9]],
    ['x=range(start=2, stop=4)', [2, 3]],
    ['x=range(0, 5, 2.5)', [0, 2.5]],
    // From Python: Hydra sums Decimal(float) values at 28 digits, so 0.3 (not 0.30000000000000004) but 0.7000000000000001.
    ['x=range(0, 1, 0.1)', [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7000000000000001, 0.8, 0.9]],
    ['x=range(0.1, 0.5, 0.1)', [0.1, 0.2, 0.30000000000000004, 0.4]],
    ['x=range(2.5, -1, -0.7)', [2.5, 1.8, 1.1, 0.40000000000000013, -0.2999999999999998, -0.9999999999999998]],
  ])('%s is %j', (raw, expected) => {
    expect(values(raw)).toStrictEqual(expected);
    expect(isSweep(parseOverride(raw))).toBe(true);
  });

  it.each([
    ['x=range(1,5,0)', /override 'x=range\(1,5,0\)': range\(1, 5, 0\) has step 0, which never reaches stop\. Use a positive step/],
    ['x=range(5,1)', /range\(5, 1, 1\) is empty: stop is exclusive, and from 5 a positive step never gets below 1\. Give start < stop, or a step of the other sign/],
    ['x=range(1,5,-1)', /is empty: .* a negative step never gets above 5\. Give start > stop/],
    ['x=range(2,2)', /is empty/],
    ['x=range(a, 3)', /range\(…\) needs a finite number for start, got "a"/],
    ['x=range(0, inf)', /needs a finite number for stop, got null/],
    ['x=range()', /range\(…\) needs a start/],
    ['x=range(1,2,3,4)', /takes at most 3 arguments, got 4/],
    ['x=range(step=2, 5)', /a positional argument after a named one/],
    ['x=range(0, 2000)', /has more than 1000 values\. A sweep runs at most 1000 jobs/],
    ['x=choice()', /choice\(\) has no values\. Give it at least one/],
    ['x=choice([1, 2)', /the arguments of choice\(…\) are not valid: unclosed list/],
  ])('refuses %s', (raw, message) => {
    expect(() => parseOverride(raw)).toThrow(UsageError);
    expect(() => parseOverride(raw)).toThrow(message);
  });

  // Cross-check against Python's own decimal module running Hydra's FloatRange loop (types.py), when python3 is there.
  it('matches Hydra FloatRange computed by Python on random float ranges', ({ skip }) => {
    const cases = fc.sample(
      fc.tuple(fc.integer({ min: -300, max: 300 }), fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: -4, max: 1 }), fc.boolean()),
      { numRuns: 150, seed: 7 },
    ).map(([a, count, digit, exponent, down]) => {
      const step = digit * 10 ** exponent * (down ? -1 : 1);
      const start = a * 10 ** exponent + 0.1;
      return [start, start + step * count, step];
    });
    const script = [
      'import json, sys',
      'from decimal import Decimal',
      'out = []',
      'for a, b, c in json.load(sys.stdin):',
      '    s, e, st, vals = Decimal(a), Decimal(b), Decimal(c), []',
      '    while (s < e if st > 0 else s > e): vals.append(float(s)); s += st',
      '    out.append(vals)',
      'print(json.dumps(out))',
    ].join('\n');
    const python = spawnSync('/usr/bin/python3', ['-c', script], { input: JSON.stringify(cases), encoding: 'utf8' });
    if (python.status !== 0) {
      console.log(`[sweep-functions.test] skipping the Python cross-check: ${python.error?.message ?? python.stderr}`);
      return skip();
    }
    const expected = JSON.parse(python.stdout) as number[][];
    cases.forEach(([a, b, c], i) => expect(values(`x=range(${a}, ${b}, ${c})`), `range(${a}, ${b}, ${c})`).toStrictEqual(expected[i]));
  });
});

describe('choice(…)', () => {
  it('is the same sweep as the comma form, elements typed and quoted as in key=value', () => {
    expect(values("x=choice(a, 'b,c', [1, 2], {k: null}, 3)")).toStrictEqual(['a', 'b,c', [1, 2], { k: null }, 3]);
    expect(values('x=choice(1,2)')).toStrictEqual(values('x=1,2'));
  });

  it('is a sweep even with one value, so a single run refuses it as Hydra does', () => {
    const one = parseOverride('backend=choice(tfjs)');
    expect(isSweep(one)).toBe(true);
    expect(() => requireSingleValue(one)).toThrow(/is a sweep over 1 values, but this command runs one configuration/);
  });

  it('a quoted function call is a plain string', () => {
    expect(values("x='range(1,3)'")).toStrictEqual(['range(1,3)']);
  });
});
