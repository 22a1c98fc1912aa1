import { conv, convTranspose, maxPool, pool, resize } from './cases/conv-pool.ts';
import { describeCases } from './fd-cases.ts';

// Convolution and pooling are float32-only on ORT CPU (Conv, ConvTranspose, AveragePool), so these run in
// float32 with a larger step. Input, filter and bias gradients are checked together.
// MaxPool runs in float64 on ORT CPU.

describeCases('float32 finite differences: convolution and pooling', [...conv, ...convTranspose, ...pool]);

describeCases('float64 finite differences: MaxPool (masks per window phase)', maxPool);

describeCases('float32 finite differences: Resize (constant per-axis maps; ORT CPU has no float64 Resize)', resize);
