import type { Tensor } from '../../../graph/tensor.ts';
import { SetupError } from '../../../util/setup-error.ts';
import type { ExportModuleReply } from '../../backends/torch/protocol.ts';
import { fromWireAll, toWireAll } from '../../backends/torch/protocol.ts';
import { TorchProcess } from '../../backends/torch/torch-process.ts';
import { TorchReferenceError } from '../../backends/torch/torch-errors.ts';

/** What export_module.py raises about the user's file or config; any other exception is a fault of tandem's. */
const USER_INPUT_ERRORS = new Set(['UserModuleError', 'ExportError', 'RequestError']);

/** A module spec as written: `<python file>:<callable that returns an nn.Module>`. */
export interface ModuleSpec {
  readonly file: string;
  readonly callable: string;
}

/** `models/net.py:build` → file and callable; the callable is after the last colon. */
export function parseModuleSpec(spec: string): ModuleSpec | undefined {
  const at = spec.lastIndexOf(':');
  if (at <= 0 || at === spec.length - 1) return undefined;
  const callable = spec.slice(at + 1);
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(callable) ? { file: spec.slice(0, at), callable } : undefined;
}

export interface ExportedModule extends Omit<ExportModuleReply, 'onnx' | 'expected'> {
  readonly bytes: Uint8Array;
  readonly expected: Map<string, Tensor>;
}

/**
 * Exports the module through a PyTorch process of its own (reference/export_module.py), which is always shut
 * down, also when the export fails. What Python refused (a missing file or callable, a factory that raised, an
 * exporter error) is the user's input: one sentence, exit 2.
 */
export async function exportModule(spec: ModuleSpec, seed: number, inputs: ReadonlyMap<string, Tensor>, outputs: readonly string[], python?: string): Promise<ExportedModule> {
  const torch = new TorchProcess(python ? { python } : {});
  try {
    const reply = await torch.request('export_module', { file: spec.file, callable: spec.callable, seed, inputs: toWireAll(inputs), outputs }, ` of ${spec.file}:${spec.callable}`);
    return { ...reply, bytes: new Uint8Array(Buffer.from(reply.onnx, 'base64')), expected: fromWireAll(reply.expected) };
  } catch (e) {
    if (e instanceof TorchReferenceError && USER_INPUT_ERRORS.has(e.pythonType ?? '')) throw new SetupError(`model torch-module: ${e.pythonMessage}`);
    throw e;
  } finally {
    await torch.dispose();
  }
}
