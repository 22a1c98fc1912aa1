import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { decodeNpz } from '../../data/npz.ts';
import { isGraphDType } from '../../data/data-dtype.ts';
import type { Tensor } from '../../graph/tensor.ts';
import { sha256Hex } from '../../util/hash.ts';
import { CheckpointError } from './checkpoint-error.ts';
import { BUFFERS_FILE, MANIFEST_FILE, manifestProblem, OPTIMIZER_FILE, PARAMS_FILE, type CheckpointManifest } from './manifest.ts';

export interface LoadedCheckpoint {
  /** The directory as given (a `last` link stays a link: its target can change under a later save). */
  readonly dir: string;
  readonly manifest: CheckpointManifest;
  /** Parameters, optimizer slots and buffers by state name (`<param>`, `<param>/<slot>`, `<buffer>`), in manifest order. */
  readonly state: Map<string, Tensor>;
}

/**
 * Reads a checkpoint directory and proves it whole before anything uses it: the manifest parses and is a tandem
 * checkpoint, every file it lists exists with the recorded size and sha256, and the .npz files hold every
 * parameter, slot and buffer the manifest names. Any failure is a CheckpointError saying which file and why.
 */
export function loadCheckpoint(dir: string): LoadedCheckpoint {
  if (!existsSync(dir)) throw new CheckpointError(`checkpoint ${dir} does not exist`);
  if (!statSync(dir).isDirectory()) throw new CheckpointError(`checkpoint ${dir} is a file; a checkpoint is a directory holding ${MANIFEST_FILE}`);
  const manifestPath = join(dir, MANIFEST_FILE);
  if (!existsSync(manifestPath)) throw new CheckpointError(`checkpoint ${dir} is partial: it has no ${MANIFEST_FILE}`);
  let manifest: CheckpointManifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as CheckpointManifest;
  } catch (error) {
    throw new CheckpointError(`checkpoint ${dir}: ${MANIFEST_FILE} is not valid JSON (${(error as Error).message}); the file is damaged or truncated`);
  }
  const problem = manifestProblem(manifest);
  if (problem) throw new CheckpointError(`checkpoint ${dir}: ${MANIFEST_FILE} is not a tandem checkpoint manifest: ${problem}`);
  const buffers = manifest.state.buffers ?? [];
  for (const file of [PARAMS_FILE, OPTIMIZER_FILE, ...(buffers.length ? [BUFFERS_FILE] : [])]) {
    if (!manifest.files[file]) throw new CheckpointError(`checkpoint ${dir}: ${MANIFEST_FILE} lists no checksum for ${file}`);
  }
  const bytes = new Map<string, Uint8Array>();
  for (const [file, expected] of Object.entries(manifest.files)) {
    const path = join(dir, file);
    if (!existsSync(path)) throw new CheckpointError(`checkpoint ${dir} is partial: ${file} is missing`);
    const data = readFileSync(path);
    if (data.length !== expected.bytes) {
      throw new CheckpointError(`checkpoint ${dir}: ${file} is ${data.length} bytes, the manifest recorded ${expected.bytes} (truncated or replaced)`);
    }
    const actual = sha256Hex(data);
    if (actual !== expected.sha256) {
      throw new CheckpointError(`checkpoint ${dir}: ${file} fails its checksum (sha256 ${actual.slice(0, 12)}…, the manifest recorded ${expected.sha256.slice(0, 12)}…); the file is damaged`);
    }
    bytes.set(file, data);
  }
  const state = new Map<string, Tensor>();
  const read = (file: string, names: readonly string[]) => {
    let arrays;
    try {
      arrays = decodeNpz(bytes.get(file)!, join(dir, file)).arrays;
    } catch (error) {
      throw new CheckpointError(`checkpoint ${dir}: ${file} cannot be decoded: ${(error as Error).message}`);
    }
    for (const name of names) {
      const a = arrays.get(name);
      if (!a) throw new CheckpointError(`checkpoint ${dir}: ${file} has no "${name}" (it holds ${[...arrays.keys()].join(', ') || 'nothing'})`);
      if (!isGraphDType(a.dtype)) throw new CheckpointError(`checkpoint ${dir}: ${file} holds "${name}" as ${a.dtype}, not a graph dtype`);
      state.set(name, { dtype: a.dtype, shape: a.shape, data: a.data } as Tensor);
    }
  };
  read(PARAMS_FILE, manifest.state.params);
  read(OPTIMIZER_FILE, manifest.state.slots);
  if (buffers.length) read(BUFFERS_FILE, buffers);
  return { dir, manifest, state };
}
