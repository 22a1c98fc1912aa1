import { activationCases } from './cases/activations.ts';
import { describeCases } from './fd-cases.ts';

// Activations, selection and casts: central differences on ORT, float64 where ORT has the kernel
// (Erf and Softplus are float32-only on ORT CPU).

describeCases('finite differences: activations, selection, casts', activationCases);
