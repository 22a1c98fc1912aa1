// Layouts by dim name: specs/data-container.md "NamedTensor" and "Layouts".
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sizeOf } from '../../src/graph/tensor.ts';
import { formatLayout, parseLayout, permute, transposeData } from '../../src/data/layout.ts';
import { complexToPairs, fromGraphTensor, namedTensor, pairsToComplex, toGraphTensor } from '../../src/data/named-tensor.ts';
import { python } from './numpy.ts';

/** Reference transpose by explicit multi-index arithmetic, element by element. */
function naiveTranspose(src: Float64Array, shape: number[], perm: number[]): Float64Array {
  const outShape = perm.map((p) => shape[p]);
  const out = new Float64Array(src.length);
  for (let o = 0; o < out.length; o++) {
    let rest = o;
    const idx = new Array<number>(shape.length);
    for (let a = outShape.length - 1; a >= 0; a--) {
      idx[perm[a]] = rest % outShape[a];
      rest = Math.floor(rest / outShape[a]);
    }
    let i = 0;
    for (let a = 0; a < shape.length; a++) i = i * shape[a] + idx[a];
    out[o] = src[i];
  }
  return out;
}

describe('layout strings', () => {
  it('parses compact letters and explicit names, and formats back', () => {
    expect(parseLayout('BVTHW')).toEqual(['batch', 'vector', 'time', 'x', 'y']);
    expect(parseLayout('NCHW')).toEqual(['batch', 'channel', 'x', 'y']);
    expect(parseLayout('NCL')).toEqual(['batch', 'channel', 'x']);
    expect(parseLayout('(batch, time, x, y, vector)')).toEqual(['batch', 'time', 'x', 'y', 'vector']);
    expect(parseLayout('batch,x')).toEqual(['batch', 'x']);
    expect(formatLayout(['batch', 'time', 'x', 'y', 'vector'])).toBe('BTXYV');
    expect(parseLayout(formatLayout(['batch', 'time', 'x', 'y', 'vector']))).toEqual(['batch', 'time', 'x', 'y', 'vector']);
    expect(formatLayout(['batch', 'k'])).toBe('(batch, k)');
  });

  it('rejects unknown letters and repeated dims', () => {
    expect(() => parseLayout('BQHW')).toThrow(/letter "Q" has no meaning/);
    expect(() => parseLayout('BHX')).toThrow(/dim "x" appears twice/);
    expect(() => parseLayout('(a, 1b)')).toThrow(/not a valid dim name/);
  });
});

describe('permute', () => {
  it('matches a reference transpose for random shapes and permutations (complex pairs move together)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 0, maxLength: 5 }).chain((shape) =>
          fc.tuple(fc.constant(shape), fc.shuffledSubarray([...shape.keys()], { minLength: shape.length, maxLength: shape.length })),
        ),
        ([shape, perm]) => {
          const src = Float64Array.from({ length: sizeOf(shape) }, (_, i) => i * 1.5 - 3);
          expect(Array.from(transposeData(src, shape, perm) as Float64Array)).toEqual(Array.from(naiveTranspose(src, shape, perm)));
          // complex: transposing pairs equals transposing with an extra, unmoved trailing axis of 2
          const pairs = Float64Array.from({ length: 2 * sizeOf(shape) }, (_, i) => i);
          expect(Array.from(transposeData(pairs, shape, perm, 2) as Float64Array)).toEqual(
            Array.from(naiveTranspose(pairs, [...shape, 2], [...perm, shape.length])),
          );
        },
      ),
      { numRuns: 300, seed: 1 },
    );
  });

  it('converts BVTHW to (batch, time, x, y, vector) exactly as numpy.transpose does', async () => {
    const shape = [2, 3, 4, 5, 2];
    const data = Float32Array.from({ length: sizeOf(shape) }, (_, i) => i);
    const t = namedTensor('float32', shape, parseLayout('BVTHW'), data);
    const moved = permute(t, '(batch, time, x, y, vector)');
    expect(moved.dims).toEqual(['batch', 'time', 'x', 'y', 'vector']);
    expect(moved.shape).toEqual([2, 4, 5, 2, 3]);
    const numpy = await python<number[]>(`print(json.dumps(np.arange(240, dtype=np.float32).reshape(2, 3, 4, 5, 2).transpose(0, 2, 3, 4, 1).ravel().tolist()))`);
    expect(Array.from(moved.data as Float32Array)).toEqual(numpy);
    // and back again by name
    expect(Array.from(permute(moved, 'BVTHW').data as Float32Array)).toEqual(Array.from(data));
  });

  it('names what is missing or unknown instead of guessing by position', () => {
    const t = namedTensor('float32', [2, 3], ['batch', 'x']);
    expect(() => permute(t, ['x', 'y'])).toThrow(/unknown dim "y"; missing dim "batch"/);
    expect(() => permute(t, ['x'])).toThrow(/missing dim "batch"/);
    expect(permute(t, ['batch', 'x'])).toBe(t);
  });
});

describe('NamedTensor', () => {
  it('shares data with complex pairs both ways and refuses a non-pair tensor', () => {
    const c = namedTensor('complex64', [2], ['k'], Float32Array.from([1, 2, 3, 4]));
    const p = complexToPairs(c);
    expect(p).toMatchObject({ dtype: 'float32', shape: [2, 2], dims: ['k', 'complex'] });
    expect(p.data).toBe(c.data);
    expect(pairsToComplex(p)).toEqual(c);
    expect(() => pairsToComplex(namedTensor('float32', [2, 3], ['k', 'complex']))).toThrow(/trailing "complex" axis of size 2/);
    expect(() => toGraphTensor(c)).toThrow(/complexToPairs/);
  });

  it('converts to and from graph tensors and checks dims, sizes and array types', () => {
    const t = namedTensor('int64', [2], ['n'], BigInt64Array.from([1n, 2n]));
    const g = toGraphTensor(t);
    expect(g).toEqual({ dtype: 'int64', shape: [2], data: t.data });
    expect(fromGraphTensor(g, ['n'])).toEqual(t);
    expect(() => namedTensor('float32', [2, 2], ['x'])).toThrow(/1 dim names \(x\) for a rank-2 shape/);
    expect(() => namedTensor('float32', [2], ['x'], new Float64Array(2))).toThrow(/needs a Float32Array, got a Float64Array/);
    expect(() => namedTensor('complex64', [2], ['x'], new Float32Array(2))).toThrow(/two floats per element/);
    expect(() => namedTensor('uint8', [2], ['x'], Buffer.from([1, 2]))).not.toThrow();
  });
});
