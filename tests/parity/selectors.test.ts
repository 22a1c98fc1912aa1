import { describe, expect, it } from 'vitest';
import { parseSelector, parseSelectors, selected } from '../../src/parity/selectors.ts';

describe('parity selectors <experiment>/<backend>/<stage>', () => {
  it('matches globs per segment', () => {
    const s = parseSelector('*/tfjs/gradients');
    expect(s.matches('quickstart/tfjs/gradients')).toBe(true);
    expect(s.matches('quickstart/onnxruntime/gradients')).toBe(false);
    expect(s.matches('quickstart/tfjs/step')).toBe(false);
  });

  it('supports ? and {a,b}, and * never crosses a slash', () => {
    expect(parseSelector('quick?tart/*/{forward,loss}').matches('quickstart/tfjs/loss')).toBe(true);
    expect(parseSelector('quick?tart/*/{forward,loss}').matches('quickstart/tfjs/step')).toBe(false);
    expect(parseSelector('*/*/*').matches('a/b/c/d')).toBe(false);
    expect(parseSelector('q.x/*/*').matches('qax/b/c')).toBe(false);
  });

  it('splits comma-separated lists outside braces; none selects everything', () => {
    const list = parseSelectors(['*/tfjs/{forward,loss},*/onnxruntime/step']);
    expect(list.map((s) => s.text)).toEqual(['*/tfjs/{forward,loss}', '*/onnxruntime/step']);
    expect(selected(list, 'e/onnxruntime/step')).toBe(true);
    expect(selected(list, 'e/onnxruntime/loss')).toBe(false);
    expect(parseSelectors([]).map((s) => s.text)).toEqual(['*/*/*']);
  });

  it('rejects malformed selectors with a usage error (exit 2)', () => {
    expect(() => parseSelector('tfjs/gradients')).toThrow(/three non-empty parts/);
    expect(() => parseSelector('*/{tfjs/gradients')).toThrow();
    const thrown = (() => {
      try {
        parseSelector('a//b');
      } catch (e) {
        return e as { exitCode?: number };
      }
      return undefined;
    })();
    expect(thrown?.exitCode).toBe(2);
  });
});
