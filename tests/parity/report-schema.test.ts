import { describe, expect, it } from 'vitest';
import { fromJsonFloat, parseParityReport, PARITY_SCHEMA, summarize, toJsonFloat, type ParityCase } from '../../src/parity/report.ts';

const kase = (verdict: ParityCase['verdict']): ParityCase => ({
  id: `e/b/${verdict}`,
  experiment: 'e',
  backend: 'b',
  stage: 'forward',
  verdict,
  tolerance: {},
  tensors: [],
  timing: { seconds: 0 },
});

describe('parity.json data model', () => {
  it('keeps non-finite numbers as named strings, both ways', () => {
    expect([NaN, Infinity, -Infinity, 1.5].map(toJsonFloat)).toEqual(['NaN', 'Infinity', '-Infinity', 1.5]);
    expect(fromJsonFloat('NaN')).toBeNaN();
    expect(fromJsonFloat('-Infinity')).toBe(-Infinity);
  });

  it('summarizes: error beats fail beats pass, skipped cases do not fail a run', () => {
    expect(summarize([kase('pass'), kase('skipped')]).verdict).toBe('pass');
    expect(summarize([kase('pass'), kase('fail')]).verdict).toBe('fail');
    expect(summarize([kase('fail'), kase('error')])).toEqual({ verdict: 'error', counts: { pass: 0, fail: 1, error: 1, skipped: 0 } });
  });

  it('rejects a report that breaks the schema, naming the path', () => {
    const bad = { schema: PARITY_SCHEMA, createdAt: 'x', cases: [{ id: 1 }] };
    expect(() => parseParityReport(JSON.stringify(bad), 'r/parity.json')).toThrow(/r\/parity\.json is not a valid tandem\.parity\/1 report: at /);
  });
});
