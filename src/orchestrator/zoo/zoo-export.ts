import { mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { z } from 'zod';
import { UsageError } from '../errors.ts';

/**
 * The torch side of `tandem zoo`: export_zoo.py (beside this file) builds each architecture of zoo_models.py
 * with the user's torch and torchvision and writes what torch.onnx.export makes of it, plus a manifest.
 */
const EXPORT_SCRIPT = fileURLToPath(new URL('./export_zoo.py', import.meta.url));

const entrySchema = z.object({
  name: z.string(),
  what: z.string(),
  training: z.boolean(),
  input: z.object({ shape: z.array(z.int()), dtype: z.enum(['float32', 'int64']), dims: z.array(z.string()), tokens: z.int().optional() }).optional(),
  output: z.object({ shape: z.array(z.int()), dims: z.array(z.string()) }).optional(),
  parameters: z.int().optional(),
  opset: z.int().optional(),
  /** torch.onnx.export's own error, when torch could not export the model. */
  error: z.string().optional(),
});
export type ZooExport = z.infer<typeof entrySchema>;

const manifestSchema = z.object({ torch: z.string(), models: z.array(entrySchema) });
export type ZooManifest = z.infer<typeof manifestSchema>;

export interface ZooCatalogEntry {
  readonly name: string;
  readonly what: string;
}

/** Every model the zoo knows, in table order (zoo_models.MODELS). */
export async function zooCatalog(python: string): Promise<ZooCatalogEntry[]> {
  return JSON.parse((await runExporter(python, ['--list'], () => {})).trim()) as ZooCatalogEntry[];
}

/** The `--models` list checked against the catalogue (every unknown name at once, with the known ones), in the zoo's order. */
export function selectModels(catalog: readonly ZooCatalogEntry[], requested: readonly string[] | undefined): string[] {
  const known = catalog.map((m) => m.name);
  if (!requested) return known;
  const unknown = requested.filter((n) => !known.includes(n));
  if (unknown.length) throw new UsageError(`--models: unknown model${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `"${n}"`).join(', ')}; the zoo has ${known.join(', ')}`);
  if (!requested.length) throw new UsageError(`--models names no model; the zoo has ${known.join(', ')}`);
  return known.filter((n) => requested.includes(n));
}

/**
 * Exports `names` at `batch` into `dir` (created whole: written to a sibling temp folder and renamed, so a
 * failed export leaves no half-filled folder). `progress` gets each model's line as torch finishes it.
 */
export async function exportZoo(python: string, dir: string, batch: number, names: readonly string[], progress: (line: string) => void): Promise<ZooManifest> {
  const temp = `${dir}.partial-${process.pid}`;
  mkdirSync(temp, { recursive: true });
  try {
    await runExporter(python, [temp, String(batch), ...names], progress);
    const manifest = manifestSchema.parse(JSON.parse(readFileSync(join(temp, 'manifest.json'), 'utf8')));
    renameSync(temp, dir);
    return manifest;
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

async function runExporter(python: string, args: readonly string[], progress: (line: string) => void): Promise<string> {
  const child = execa(python, ['-u', EXPORT_SCRIPT, ...args], { reject: false, env: { PYTHONDONTWRITEBYTECODE: '1' } });
  let stderr = '';
  let reported = 0; // complete lines of stderr already looked at (a chunk may end inside a line)
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    const lines = stderr.split('\n').slice(0, -1);
    for (const line of lines.slice(reported)) if (line.startsWith('exported ')) progress(line);
    reported = lines.length;
  });
  const r = await child;
  if (r.failed) {
    const why = r.code === 'ENOENT' ? `${python} was not found` : `it exited with ${r.exitCode ?? r.signal}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`;
    throw new UsageError(
      `the zoo could not run its torch exporter (${python} ${EXPORT_SCRIPT}): ${why}. It needs Debian's torch 1.13 and torchvision 0.14 (apt-get install python3-torch python3-torchvision), or --python pointing at a Python that has them`,
    );
  }
  return String(r.stdout);
}
