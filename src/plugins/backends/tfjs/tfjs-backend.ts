import { z } from 'zod';
import type { PluginDefinition } from '../../../contracts/plugin.ts';
import type { Backend } from '../../../contracts/backend.ts';

export const tfjsBackendParams = z
  .object({
    device: z
      .enum(['auto', 'wasm', 'cpu', 'node'])
      .default('auto')
      .describe('auto: tfjs-node when installed, else wasm (XNNPACK, SIMD, one thread in Node); cpu: plain JS (slow); node: require tfjs-node'),
    dtype: z.enum(['float32', 'float64']).default('float32').describe('TensorFlow.js trains in float32 only; float64 is refused with a reason'),
  })
  .strict();
export type TfjsBackendParams = z.infer<typeof tfjsBackendParams>;

/**
 * The tfjs backend plugin. TensorFlow.js itself (about 0.7 s to import) loads only when a run selects this
 * backend, so listing the plugin costs every other command nothing.
 */
export const tfjsBackend: PluginDefinition<'backend', TfjsBackendParams, Backend> = {
  kind: 'backend',
  name: 'tfjs',
  description: 'TensorFlow.js (wasm SIMD by default, cpu, or tfjs-node when installed): interprets the fused train-step graph node by node, float32 only',
  params: tfjsBackendParams,
  create: async (p) => (await import('./tfjs-backend-impl.ts')).createTfjsBackend(p),
};
