// spec: specs/config-handshake.md §5.2 (closest-match suggestions)
import { describe, expect, it } from 'vitest';
import { closestMatch, levenshtein } from '../../src/util/suggest.ts';

describe('levenshtein', () => {
  it.each([
    ['', '', 0],
    ['abc', '', 3],
    ['kitten', 'sitting', 3],
    ['flaw', 'lawn', 2],
    ['optimiser', 'optimizer', 1],
    ['tfjs', 'tfjs', 0],
  ])('%s → %s is %i', (a, b, d) => {
    expect(levenshtein(a, b)).toBe(d);
    expect(levenshtein(b, a)).toBe(d);
  });
});

describe('closestMatch', () => {
  it('suggests plausible typos only', () => {
    expect(closestMatch('batchsize', ['epochs', 'batch_size', 'optimizer'])).toBe('batch_size');
    expect(closestMatch('ONNXRUNTIME', ['onnxruntime', 'tfjs'])).toBe('onnxruntime');
    expect(closestMatch('completely-different', ['epochs', 'seed'])).toBeUndefined();
    expect(closestMatch('x', [])).toBeUndefined();
  });
});
