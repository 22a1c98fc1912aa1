import { DTYPES } from '../../../graph/dtype.ts';
import { registeredOps } from '../../../graph/op-registry.ts';
import type { TrainingProgram } from '../../../train/program.ts';
import { ownFeeds, type Backend, type BackendCapabilities, type GraphExecutor, type Session } from '../../../contracts/backend.ts';
import { execute } from './interpreter.ts';
import { TFJS_NODE_TEST_GAPS } from './node-test-gaps.ts';
import { activateTfjs, tfjsNodeAvailable, type TfjsDevice, type TfjsRuntimeInfo } from './runtime.ts';
import type { TfjsBackendParams } from './tfjs-backend.ts';
import { TfjsSession } from './tfjs-session.ts';

class TfjsBackend implements Backend {
  readonly name = 'tfjs';
  readonly dtype = 'float32' as const;

  constructor(
    private readonly p: TfjsBackendParams,
    private readonly device: TfjsDevice,
    private readonly runtime: TfjsRuntimeInfo,
    private readonly nodeAvailable: boolean,
  ) {}

  capabilities(): BackendCapabilities {
    return {
      // int64 and uint8 travel as int32 (values beyond ±2^31 are refused, never wrapped).
      dtypes: DTYPES.filter((d) => d !== 'float64'),
      devices: ['wasm', 'cpu', ...(this.nodeAvailable ? ['node'] : [])],
      unsupported: { float64: registeredOps() },
      nodeTestGaps: TFJS_NODE_TEST_GAPS,
    };
  }

  async compile(program: TrainingProgram): Promise<Session> {
    if (program.spec.dtype !== 'float32') {
      throw new Error(`backend tfjs trains in float32 only (TensorFlow.js has no float64), but the program was built in ${program.spec.dtype}; build it in float32, or use backend=onnxruntime for float64`);
    }
    return TfjsSession.create(program, this.device);
  }

  /** Plain graphs run node by node on the device this backend activated (no thread setting); every tfjs tensor is freed per run. */
  async executor(): Promise<GraphExecutor> {
    return {
      run: async (graph, feeds, options = {}) => {
        const out = execute(graph, ownFeeds(graph, feeds), { ...(options.fetch ? { extraOutputs: options.fetch } : {}), ...(options.profile ? { profile: options.profile } : {}) });
        const names = options.fetch ?? graph.outputs.map((o) => o.name);
        return new Map(names.map((n) => [n, out[n]]));
      },
      dispose: async () => {},
    };
  }

  effectiveSettings(): Record<string, unknown> {
    return { ...this.p, resolved: this.runtime };
  }
}

/** Resolves `auto` and starts the tfjs engine, so the handshake reads back what actually runs. */
export async function createTfjsBackend(p: TfjsBackendParams): Promise<TfjsBackend> {
  if (p.dtype === 'float64') {
    throw new Error('backend tfjs: dtype float64 is not available, TensorFlow.js has no float64 type; set backend.params.dtype=float32, or use backend=onnxruntime for float64 runs');
  }
  const nodeAvailable = await tfjsNodeAvailable();
  const device: TfjsDevice = p.device === 'auto' ? (nodeAvailable ? 'node' : 'wasm') : p.device;
  return new TfjsBackend(p, device, await activateTfjs(device), nodeAvailable);
}
