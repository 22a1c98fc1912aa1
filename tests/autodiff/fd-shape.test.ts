import { dft, gemm, shapeCases } from './cases/shape.ts';
import { describeCases } from './fd-cases.ts';

// Shape, indexing and reduction ops in float64 on ORT. Each output is passed through sin so that the
// checked function is not linear in the op's output (a wrong reshape order would still be caught).

describeCases('float64 finite differences: shape, indexing, reductions, normalization', [...shapeCases, ...gemm]);

describeCases('float64 finite differences: DFT (adjoint transforms)', dft);
