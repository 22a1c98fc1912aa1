import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { GraphBuilder, Value } from '../../src/graph/builder.ts';
import { fdCheck, type FdInput } from './fd-helpers.ts';

// Gradient rules of the elementwise and matmul ops, each checked against central differences in float64 on
// ORT along a random direction, over random shapes including broadcasting.

const unary: Record<string, { range?: [number, number] }> = {
  Neg: {}, Sqrt: { range: [0.5, 2] }, Exp: {}, Log: { range: [0.5, 2] }, Sin: {}, Cos: {}, Tanh: {}, Identity: {},
};

const shapeArb = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 0, maxLength: 3 });

/** Two shapes that broadcast together: b drops leading axes of a and sets some axes to 1. */
const broadcastPairArb = shapeArb.chain((a) =>
  fc.tuple(fc.constant(a), fc.integer({ min: 0, max: a.length }), fc.array(fc.boolean(), { minLength: a.length, maxLength: a.length }), fc.boolean()).map(
    ([s, drop, ones, swap]) => {
      const other = s.slice(drop).map((d, i) => (ones[i + drop] ? 1 : d));
      return swap ? [other, s] : [s, other];
    },
  ),
);

const runs = { numRuns: 6, seed: 42 };

describe('float64 finite differences: unary ops', () => {
  for (const [op, { range }] of Object.entries(unary)) {
    it(`${op}`, async () => {
      await fc.assert(
        fc.asyncProperty(shapeArb, fc.integer({ min: 1, max: 1000 }), async (shape, seed) => {
          const r = await fdCheck({ dtype: 'float64', inputs: [{ shape, ...(range ? { range } : {}) }], build: (b, [x]) => b.op1(op, [x]), seed });
          expect(r.ok, r.summary).toBe(true);
        }),
        runs,
      );
    });
  }
});

const binary: Record<string, { inputs: (s: readonly number[][]) => FdInput[] }> = {
  Add: { inputs: ([a, c]) => [{ shape: a }, { shape: c }] },
  Sub: { inputs: ([a, c]) => [{ shape: a }, { shape: c }] },
  Mul: { inputs: ([a, c]) => [{ shape: a }, { shape: c }] },
  Div: { inputs: ([a, c]) => [{ shape: a }, { shape: c, range: [0.5, 2] }] },
  Pow: { inputs: ([a, c]) => [{ shape: a, range: [0.5, 2] }, { shape: c, range: [-2, 2] }] },
};

describe('float64 finite differences: broadcasting binary ops', () => {
  for (const [op, { inputs }] of Object.entries(binary)) {
    it(`${op}`, async () => {
      await fc.assert(
        fc.asyncProperty(broadcastPairArb, fc.integer({ min: 1, max: 1000 }), async (shapes, seed) => {
          const r = await fdCheck({ dtype: 'float64', inputs: inputs(shapes), build: (b, [x, y]) => b.op1(op, [x, y]), seed });
          expect(r.ok, r.summary).toBe(true);
        }),
        runs,
      );
    });
  }

  it('Pow with a constant exponent (x²) prunes the exponent gradient', async () => {
    const r = await fdCheck({ dtype: 'float64', inputs: [{ shape: [3, 2], range: [-2, 2] }], build: (b, [x]) => b.pow(x, b.scalar(2, 'float64')) });
    expect(r.ok, r.summary).toBe(true);
  });

  // A bias broadcast over the rows of a matrix: its gradient, the column sums, is written as a MatMul by ones.
  for (const [name, shapes] of [['[5,3] + [3]', [[5, 3], [3]]], ['[3] − [4,3]', [[3], [4, 3]]], ['[5,3] + [1,3]', [[5, 3], [1, 3]]]] as const) {
    it(`a row broadcast sums back over the rows: ${name}`, async () => {
      for (const op of ['Add', 'Sub']) {
        const r = await fdCheck({ dtype: 'float64', inputs: shapes.map((shape) => ({ shape })), build: (b, [x, y]) => b.op1(op, [x, y]) });
        expect(r.ok, `${op}: ${r.summary}`).toBe(true);
      }
    });
  }

  it('fan-out: x·x + sin(x)·x sums the contributions of every use', async () => {
    const f = (b: GraphBuilder, [x]: Value[]) => b.add(b.mul(x, x), b.mul(b.sin(x), x));
    const r = await fdCheck({ dtype: 'float64', inputs: [{ shape: [4] }], build: f });
    expect(r.ok, r.summary).toBe(true);
  });
});

const matmulShapes: [number[], number[]][] = [
  [[3, 4], [4, 5]], [[4], [4, 5]], [[3, 4], [4]], [[4], [4]], [[2, 3, 4], [4, 5]], [[3, 4], [2, 4, 5]], [[2, 1, 3, 4], [3, 4, 2]],
];

describe('float64 finite differences: MatMul', () => {
  for (const [a, c] of matmulShapes) {
    it(`[${a}] × [${c}]`, async () => {
      const r = await fdCheck({ dtype: 'float64', inputs: [{ shape: a }, { shape: c }], build: (b, [x, y]) => b.matmul(x, y) });
      expect(r.ok, r.summary).toBe(true);
    });
  }
});
