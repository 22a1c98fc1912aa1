import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

/** What a user may ask for. `node` is tfjs-node (or -gpu), usable only when that optional package is installed. */
export const TFJS_DEVICES = ['wasm', 'cpu', 'node'] as const;
export type TfjsDevice = (typeof TFJS_DEVICES)[number];

/** The tfjs engine as it actually runs, for the handshake read-back and for reports. */
export interface TfjsRuntimeInfo {
  readonly device: TfjsDevice;
  /** tfjs's own name of the active backend ('wasm', 'cpu', 'tensorflow'). */
  readonly backend: string;
  readonly version: string;
  readonly simd: boolean;
  /** Always false in Node: tfjs-backend-wasm hard-codes no threads when IS_NODE (tensorflow/tfjs#3830). */
  readonly threads: boolean;
}

const TF_BACKEND_NAME: Record<TfjsDevice, string> = { wasm: 'wasm', cpu: 'cpu', node: 'tensorflow' };

let wasmPathsSet = false;
let nodeLoad: Promise<string | undefined> | undefined;

/**
 * In Node the wasm backend fetches its .wasm binary by path; the binaries ship inside the npm package's dist/,
 * so point it there once (a plain directory path, which the emscripten loader reads with fs).
 */
function useBundledWasm(): void {
  if (wasmPathsSet) return;
  const require = createRequire(import.meta.url);
  const dist = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
  setWasmPaths(dist + path.sep);
  wasmPathsSet = true;
}

/**
 * tfjs-node registers the 'tensorflow' backend as an import side effect. It is an optional dependency that
 * cannot install offline (it downloads libtensorflow), so it is looked up dynamically; the returned string is
 * why it could not load, or undefined when it did.
 */
function loadTfjsNode(): Promise<string | undefined> {
  nodeLoad ??= (async () => {
    const reasons: string[] = [];
    for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
      try {
        await import(pkg);
        return undefined;
      } catch (e) {
        reasons.push(`${pkg}: ${(e as Error).message.split('\n')[0]}`);
      }
    }
    return reasons.join('; ');
  })();
  return nodeLoad;
}

/** Whether tfjs-node (or -gpu) is importable here; `device: node` needs it. */
export async function tfjsNodeAvailable(): Promise<boolean> {
  return (await loadTfjsNode()) === undefined;
}

/**
 * Makes `device` the active tfjs backend and reports what runs. tfjs has ONE global active backend per
 * process, so every tfjs session in a process shares it; asking for another device switches it for all.
 */
export async function activateTfjs(device: TfjsDevice): Promise<TfjsRuntimeInfo> {
  if (device === 'wasm') useBundledWasm();
  if (device === 'node') {
    const why = await loadTfjsNode();
    if (why !== undefined) {
      throw new Error(
        `tfjs device "node" needs @tensorflow/tfjs-node or @tensorflow/tfjs-node-gpu, which could not be loaded (${why}). ` +
          'Install one of them (it downloads libtensorflow 2.9.1 at install time, so it needs a network), or use device: wasm.',
      );
    }
  }
  // Production mode: skips tfjs's debug checks and its console banner urging tfjs-node on every cpu run.
  tf.enableProdMode();
  const name = TF_BACKEND_NAME[device];
  if (tf.getBackend() !== name) {
    const ok = await tf.setBackend(name);
    if (!ok) throw new Error(`tfjs could not initialise its "${name}" backend for device "${device}"; try device: cpu`);
  }
  await tf.ready();
  const flags = tf.env().features;
  return {
    device,
    backend: tf.getBackend(),
    version: tf.version.tfjs,
    simd: device === 'wasm' && flags.WASM_HAS_SIMD_SUPPORT === true,
    threads: device === 'wasm' && flags.WASM_HAS_MULTITHREAD_SUPPORT === true,
  };
}
