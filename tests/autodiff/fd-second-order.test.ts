import { activationCases } from './cases/activations.ts';
import { conv, convTranspose, maxPool, pool, resize } from './cases/conv-pool.ts';
import { dft, gemm, shapeCases } from './cases/shape.ts';
import { structureCases } from './cases/structure.ts';
import { describeCases } from './fd-cases.ts';
import { fdCheckSecondOrder } from './fd-helpers.ts';

// Every rule must itself be differentiable (PINN losses differentiate gradients again). For each case of the
// first-order tables, the gradient graph is differentiated once more and checked against central
// differences of its first gradient output, so a rule that emitted a node without a rule, or a rule whose
// derivative is wrong, fails here.

describeCases('second order: activations, selection, casts', activationCases, fdCheckSecondOrder);
describeCases('second order: shape, indexing, reductions, normalization, Gemm', [...shapeCases, ...gemm], fdCheckSecondOrder);
describeCases('second order: DFT', dft, fdCheckSecondOrder);
describeCases('second order: structure, gathers and scatters', structureCases, fdCheckSecondOrder);
describeCases('second order: convolution, pooling, resize', [...conv, ...convTranspose, ...pool, ...maxPool, ...resize], fdCheckSecondOrder);
