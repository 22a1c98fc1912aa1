// spec: specs/config-handshake.md §6 (canonical JSON and hash)
import { describe, expect, it } from 'vitest';
import { canonicalJson, sha256Hex } from '../../src/util/hash.ts';

describe('canonical JSON', () => {
  it('sorts keys at every depth and drops whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x' } })).toBe('{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}');
  });

  it('keeps non-finite numbers distinct from strings and null', () => {
    expect(canonicalJson([NaN, Infinity, -Infinity, 'NaN', null])).toBe('[NaN,Infinity,-Infinity,"NaN",null]');
  });
});

describe('sha256Hex', () => {
  it('hashes text as UTF-8 (known vector)', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('hashes bytes the same as the text they encode', () => {
    expect(sha256Hex(new TextEncoder().encode('abc'))).toBe(sha256Hex('abc'));
    expect(sha256Hex('é')).toBe(sha256Hex(new Uint8Array([0xc3, 0xa9])));
  });
});
