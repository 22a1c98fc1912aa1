import { z } from 'zod';
import { isPowerOfTwo } from '../../../physics/ptycho/fft.ts';

/** The `adapter.params.simulate` section: the simulator's settings (src/physics/ptycho/simulate.ts). */
export const simulationSchema = z
  .object({
    seed: z.int().min(0).default(0),
    object_size: z.int().min(8).default(64).describe('object side, pixels'),
    N: z.int().default(16).refine(isPowerOfTwo, 'N must be a power of two (the simulator FFT is radix-2)').describe('pattern and probe side'),
    step: z.int().positive().default(4).describe('raster step between scan positions, pixels'),
    jitter: z.int().min(0).default(1).describe('±pixels of uniform jitter per position'),
    nphotons: z.number().positive().default(1e5).describe('expected photons per pattern through a fully transmitting object'),
    probe: z
      .object({
        kind: z.enum(['gaussian', 'disk']).default('gaussian'),
        radius: z.number().positive().default(3).describe('Gaussian σ or disk radius, pixels'),
        defocus: z.number().default(2).describe('quadratic phase at the patch edge, radians'),
      })
      .strict()
      .prefault({}),
    amplitude: z.tuple([z.number().min(0), z.number().max(1)]).default([0.5, 1]),
    phase_range: z.number().min(0).default(Math.PI / 2).describe('peak-to-peak object phase, radians'),
    max_cycles: z.number().positive().default(3).describe('highest object frequency, cycles across the object'),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.object_size < s.N) ctx.addIssue({ code: 'custom', path: ['object_size'], message: `object_size ${s.object_size} is smaller than the pattern size N = ${s.N}` });
  });
