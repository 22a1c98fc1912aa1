import { normalizationCases } from './cases/normalization.ts';
import { describeCases } from './fd-cases.ts';

// Global pools and per-channel normalizations: central differences on ORT, in float64 where ORT CPU has the
// kernel (BatchNormalization) and float32 otherwise.

describeCases('finite differences: global pools, BatchNormalization, InstanceNormalization, GroupNormalization', normalizationCases);
