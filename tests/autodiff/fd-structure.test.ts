import { structureCases } from './cases/structure.ts';
import { describeCases } from './fd-cases.ts';

describeCases('float64 finite differences: Split, Tile, block shuffles, Einsum, CumSum, Trilu, gathers and scatters', structureCases);
