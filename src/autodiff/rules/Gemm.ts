import type { GradRule } from '../rule.ts';

/**
 * Y = α·op(A)·op(B) + β·C. Each gradient is itself a Gemm with transpose flags chosen per case (the four
 * cases of ORT's builder); dC = β·g, summed over broadcast axes by the walker.
 */
export const GemmGrad: GradRule = {
  op: 'Gemm',
  grad({ b, g, x: [a, m, c], attr, scalar }) {
    const alpha = attr<number>('alpha');
    const tA = attr<number>('transA');
    const tB = attr<number>('transB');
    const gemm = (p: typeof g, q: typeof g, transA: number, transB: number) => b.op1('Gemm', [p, q], { alpha, transA, transB });
    // transA=0: dA = α·g·op(B)ᵀ;  transA=1: dA = α·op(B)·gᵀ.
    const dA = tA ? gemm(m!, g, tB, 1) : gemm(g, m!, 0, 1 - tB);
    // transB=0: dB = α·op(A)ᵀ·g;  transB=1: dB = α·gᵀ·op(A).
    const dB = tB ? gemm(g, a!, 1, tA) : gemm(a!, g, 1 - tA, 0);
    const beta = attr<number>('beta');
    return [dA, dB, c ? (beta === 1 ? g : b.mul(g, scalar(beta))) : null];
  },
};
