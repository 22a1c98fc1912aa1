import { z } from 'zod';
import type { InferenceSession } from 'onnxruntime-node';
import type { Graph } from '../../../graph/ir.ts';
import type { TrainingProgram } from '../../../train/program.ts';
import { selectOutputs } from '../../../train/select-outputs.ts';
import type { PluginDefinition } from '../../../contracts/plugin.ts';
import { ownFeeds, type Backend, type BackendCapabilities, type ExecutorOptions, type GraphExecutor, type Session } from '../../../contracts/backend.ts';
import { ORT_NODE_TEST_GAPS } from './node-test-gaps.ts';
import { availableDevices, cudaUnavailable } from './ort-providers.ts';
import { ORT_CPU_NO_FLOAT64, runOnOrt } from './ort-run.ts';
import { OrtSession } from './ort-session.ts';

export const ortBackendParams = z
  .object({
    threads: z.number().int().min(0).default(0).describe('intra-op threads; 0 lets ONNX Runtime use every core'),
    graph_optimization_level: z.enum(['disabled', 'basic', 'extended', 'layout', 'all']).default('all'),
    dtype: z.enum(['float32', 'float64']).default('float32').describe('dtype of parameters, optimizer state and float data'),
    device: z.enum(['cpu', 'cuda']).default('cpu'),
  })
  .strict();
export type OrtBackendParams = z.infer<typeof ortBackendParams>;


class OrtBackend implements Backend {
  readonly name = 'onnxruntime';
  readonly dtype: 'float32' | 'float64';

  constructor(private readonly p: OrtBackendParams) {
    // Refused at construction, before any data is read or any graph built: never a silent fallback to CPU.
    if (p.device === 'cuda') {
      const why = cudaUnavailable();
      if (why) throw new Error(why);
    }
    this.dtype = p.dtype;
  }

  capabilities(): BackendCapabilities {
    return {
      dtypes: ['float32', 'float64', 'int32', 'int64', 'bool', 'uint8'],
      devices: availableDevices(),
      unsupported: { float64: this.p.device === 'cpu' ? [...ORT_CPU_NO_FLOAT64] : [] },
      nodeTestGaps: ORT_NODE_TEST_GAPS,
    };
  }

  async compile(program: TrainingProgram): Promise<Session> {
    if (program.spec.dtype !== this.dtype) {
      throw new Error(`backend onnxruntime is configured for ${this.dtype} but the program was built in ${program.spec.dtype}; build it with the backend's dtype`);
    }
    for (const graph of Object.values(program.graphs)) this.checkOps(graph);
    return OrtSession.create(program, { sessionOptions: this.sessionOptions(), label: `backend onnxruntime (${this.p.device}, ${this.dtype})` });
  }

  /** Plain graphs run on the CPU provider with the configured threads and optimization level. */
  async executor(options: ExecutorOptions = {}): Promise<GraphExecutor> {
    const threads = options.threads ?? this.p.threads;
    const opts = { graphOptimizationLevel: this.p.graph_optimization_level, ...(threads > 0 ? { intraOpNumThreads: threads } : {}) };
    return {
      run: async (graph, feeds, options = {}) => {
        const g = options.fetch ? selectOutputs(graph, options.fetch, `${graph.name}.fetch`) : graph;
        return new Map(Object.entries(await runOnOrt(g, ownFeeds(g, feeds), opts, options.profile)));
      },
      dispose: async () => {},
    };
  }

  effectiveSettings(): Record<string, unknown> {
    return { ...this.p, resolved: { executionProviders: [this.p.device], devicesAvailable: availableDevices() } };
  }

  private checkOps(graph: Graph): void {
    const missing = this.capabilities().unsupported[this.dtype] ?? [];
    const node = graph.nodes.find((n) => missing.includes(n.op));
    if (node) {
      throw new Error(
        `backend onnxruntime: op ${node.op} (node "${node.name}"${node.origin ? `, from "${node.origin}"` : ''} in graph "${graph.name}") has no ${this.dtype} kernel on the ONNX Runtime ${this.p.device.toUpperCase()} build; ` +
          `train in float32 (backend.params.dtype=float32)${['Softplus', 'Erf', 'Mish'].includes(node.op) ? ' or use another activation' : ''}`,
      );
    }
  }

  private sessionOptions(): InferenceSession.SessionOptions {
    return {
      graphOptimizationLevel: this.p.graph_optimization_level,
      executionProviders: [this.p.device],
      ...(this.p.threads > 0 ? { intraOpNumThreads: this.p.threads } : {}),
    };
  }
}

export const ortBackend: PluginDefinition<'backend', OrtBackendParams, OrtBackend> = {
  kind: 'backend',
  name: 'onnxruntime',
  description: 'ONNX Runtime (onnxruntime-node): runs the fused train-step graph natively on CPU, or CUDA when its provider is installed',
  params: ortBackendParams,
  create: (p) => new OrtBackend(p),
};
