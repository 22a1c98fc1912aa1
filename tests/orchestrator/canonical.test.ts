// spec: specs/config-handshake.md §6 (canonical JSON and hash)
import { describe, expect, it } from 'vitest';
import { canonicalJson, deepFreeze, sha256Hex } from '../../src/orchestrator/config/canonical.ts';

describe('canonical JSON', () => {
  it('sorts keys at every depth and drops whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x' } })).toBe('{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}');
  });

  it('keeps non-finite numbers distinct from strings and null', () => {
    expect(canonicalJson([NaN, Infinity, -Infinity, 'NaN', null])).toBe('[NaN,Infinity,-Infinity,"NaN",null]');
  });

  it('hashes with sha256 (known vector)', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('deepFreeze freezes nested objects and arrays', () => {
    const value = deepFreeze({ a: { b: [1, { c: 2 }] } });
    expect(Object.isFrozen(value.a.b)).toBe(true);
    expect(Object.isFrozen(value.a.b[1])).toBe(true);
  });
});
