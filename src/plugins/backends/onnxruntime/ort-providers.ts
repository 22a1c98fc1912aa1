import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';

/**
 * Which execution providers this onnxruntime-node installation can really use. The npm package bundles only the
 * CPU binding; the CUDA EP needs three provider libraries next to it (the package's postinstall fetches them when
 * ONNXRUNTIME_NODE_INSTALL=cuda12; offline they are copied by hand from the Microsoft.ML.OnnxRuntime.Gpu.Linux
 * NuGet package). Without them ORT fails late with "Failed to load library"; we check first and say what to do.
 */
const CUDA_PROVIDER_LIBS = ['libonnxruntime_providers_shared.so', 'libonnxruntime_providers_cuda.so'];

export function ortBinaryDir(): string {
  const entry = createRequire(import.meta.url).resolve('onnxruntime-node');
  return join(dirname(entry), '..', 'bin', 'napi-v6', process.platform, process.arch);
}

/** Undefined when the CUDA EP can be requested; otherwise the sentence explaining why not and how to fix it. */
export function cudaUnavailable(): string | undefined {
  const listed = ort.listSupportedBackends().some((b) => b.name === 'cuda');
  const dir = ortBinaryDir();
  const missing = CUDA_PROVIDER_LIBS.filter((f) => !existsSync(join(dir, f)));
  if (listed && missing.length === 0) return undefined;
  return (
    `backend onnxruntime: device "cuda" was requested but the ONNX Runtime CUDA execution provider is not installed ` +
    `(${listed ? `missing ${missing.join(', ')} in ${dir}` : `this onnxruntime-node build for ${process.platform}/${process.arch} has no CUDA backend`}). ` +
    'To install it: reinstall onnxruntime-node with ONNXRUNTIME_NODE_INSTALL=cuda12 set (it downloads Microsoft.ML.OnnxRuntime.Gpu.Linux from NuGet), ' +
    `or offline copy libonnxruntime_providers_{shared,cuda}.so from that NuGet package (runtimes/linux-x64/native/) into ${dir}; ` +
    'the CUDA and cuDNN runtime libraries must be installed too. Or set backend.params.device=cpu.'
  );
}

export function availableDevices(): string[] {
  return cudaUnavailable() === undefined ? ['cpu', 'cuda'] : ['cpu'];
}
