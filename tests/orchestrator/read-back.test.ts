// spec: specs/config-handshake.md §8.3 (effective-settings read-back)
import { describe, expect, it } from 'vitest';
import { ReadBackMismatchError } from '../../src/orchestrator/errors.ts';
import { firstDifference, verifyReadBack } from '../../src/orchestrator/plugins/read-back.ts';

describe('read-back diff', () => {
  it('accepts identical settings and extra derived keys', () => {
    expect(firstDifference({ a: 1, b: [1, { c: 'x' }] }, { a: 1, b: [1, { c: 'x', d: 2 }], derived: true })).toBeUndefined();
    expect(firstDifference({ x: NaN }, { x: NaN })).toBeUndefined();
  });

  it.each([
    [{ channels: 4 }, { channels: 1 }, ['channels'], 4, 1],
    [{ hidden: [64, 64] }, { hidden: [64] }, ['hidden'], [64, 64], [64]],
    [{ hidden: [64, 64] }, { hidden: [64, 32] }, ['hidden', 1], 64, 32],
    [{ opt: { dtype: 'float64' } }, { opt: { dtype: 'float32' } }, ['opt', 'dtype'], 'float64', 'float32'],
    [{ device: 'cuda' }, {}, ['device'], 'cuda', undefined],
    [{ nested: { a: 1 } }, { nested: 'flat' }, ['nested'], { a: 1 }, 'flat'],
  ])('finds the first difference in %j vs %j', (expected, actual, path, e, a) => {
    expect(firstDifference(expected, actual)).toStrictEqual({ path, expected: e, actual: a });
  });

  it('names the plugin and the full key path, and says what to do', () => {
    expect(() => verifyReadBack("model 'unet'", ['model', 'params'], { channels: 4 }, { channels: 1 })).toThrow(ReadBackMismatchError);
    expect(() => verifyReadBack("model 'unet'", ['model', 'params'], { channels: 4 }, { channels: 1 })).toThrow(
      /read-back mismatch: model 'unet' was configured with model\.params\.channels = 4 but reports 1\. A plugin must use the settings it is given/,
    );
    expect(() => verifyReadBack("backend 'ort'", ['backend', 'params'], { device: 'cuda' }, {})).toThrow(/backend\.params\.device = "cuda" but reports no such setting/);
  });
});
