import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';

/**
 * Exports the test models with Debian's torch 1.13 (export_torch_models.py) into a fresh temp dir, exactly as a
 * user's torch.onnx.export would write them. Returns the dir and a cleanup.
 */
export async function exportTorchModels(): Promise<{ dir: string; cleanup: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-onnx-'));
  await execa('/usr/bin/python3', ['-W', 'ignore', join(import.meta.dirname, 'export_torch_models.py'), dir]);
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
