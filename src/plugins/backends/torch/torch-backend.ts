import { z } from 'zod';
import type { TrainingProgram } from '../../../train/program.ts';
import type { PluginDefinition } from '../../../contracts/plugin.ts';
import { ownFeeds, type Backend, type BackendCapabilities, type ExecutorOptions, type GraphExecutor, type Session } from '../../../contracts/backend.ts';
import { DEFAULT_PYTHON } from './torch-process.ts';
import { TorchReference } from './torch-reference.ts';
import { TorchSession } from './torch-session.ts';

export const torchBackendParams = z
  .object({
    python: z.string().min(1).default(DEFAULT_PYTHON).describe('Python 3 with torch and onnx (Debian: /usr/bin/python3 with python3-torch, python3-onnx)'),
    threads: z.number().int().positive().default(1).describe('torch intra-op threads in the reference process'),
    dtype: z.enum(['float32', 'float64']).default('float32').describe('dtype of parameters, optimizer state and float data'),
  })
  .strict();
export type TorchBackendParams = z.infer<typeof torchBackendParams>;

/**
 * The PyTorch reference as a backend: a Python process per compiled program, started on compile and ended by
 * Session.dispose. Negative priority: it is never picked by default, only when named (`backend: torch`), as
 * ONNX Runtime JS treats backends registered with a negative priority.
 */
export const TORCH_BACKEND_PRIORITY = -1;

class TorchBackend implements Backend {
  readonly name = 'torch';
  readonly priority = TORCH_BACKEND_PRIORITY;
  readonly dtype: 'float32' | 'float64';

  constructor(private readonly p: TorchBackendParams) {
    this.dtype = p.dtype;
  }

  capabilities(): BackendCapabilities {
    // The torch interpreter passes every node test tandem's reader accepts (specs/torch-reference.md §5.1).
    return { dtypes: ['float32', 'float64', 'int32', 'int64', 'bool', 'uint8'], devices: ['cpu'], unsupported: {}, nodeTestGaps: new Map() };
  }

  async compile(program: TrainingProgram): Promise<Session> {
    if (program.spec.dtype !== this.dtype) {
      throw new Error(`backend torch is configured for ${this.dtype} but the program was built in ${program.spec.dtype}; build it with the backend's dtype`);
    }
    // Only the forward and loss graphs reach torch; an op its interpreter lacks is refused at load, by name.
    const ref = new TorchReference({ python: this.p.python, threads: this.p.threads });
    try {
      return await TorchSession.create(program, ref);
    } catch (e) {
      await ref.dispose();
      throw e;
    }
  }

  /**
   * Plain graphs run by the torch interpreter in one Python process for the executor's life (started here, so
   * a missing torch is reported now); each graph is released after its run.
   */
  async executor(options: ExecutorOptions = {}): Promise<GraphExecutor> {
    const ref = new TorchReference({ python: this.p.python, threads: options.threads ?? this.p.threads });
    try {
      await ref.process.versions();
    } catch (e) {
      await ref.dispose();
      throw e;
    }
    return {
      run: async (graph, feeds, options = {}) => {
        const out = await ref.executeGraph(graph, ownFeeds(graph, feeds), options.fetch ? { fetch: options.fetch } : {});
        await ref.release(graph);
        return out;
      },
      dispose: () => ref.dispose(),
    };
  }

  effectiveSettings(): Record<string, unknown> {
    return { ...this.p, priority: this.priority, device: 'cpu' };
  }
}

export const torchBackend: PluginDefinition<'backend', TorchBackendParams, TorchBackend> = {
  kind: 'backend',
  name: 'torch',
  description:
    'PyTorch reference only (priority −1: used when asked for by name): a Python subprocess runs the forward/loss graph with a torch interpreter, ' +
    'gradients by torch.autograd, updates by torch.optim; the independent side of parity checks',
  params: torchBackendParams,
  create: (p) => new TorchBackend(p),
};
