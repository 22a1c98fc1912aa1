import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import type { WeightsMap } from './protocol.ts';
import { ModuleReferenceError } from './torch-errors.ts';

/**
 * parity.weights.map: how a graph's tensors pair with a torch module's when their names or layouts differ (a
 * hand port, a graph from another framework). specs/torch-reference.md "Weights map":
 *
 *   rename:                                  # applied in order to each graph name (Python re.sub)
 *     - { pattern: '^dense_(\d+)/kernel$', replacement: 'layers.\1.weight' }
 *   tensors:                                 # per graph tensor: how its axes become the module's
 *     dense_0/kernel: { transpose: true }    # [in, out] → [out, in]
 *     conv/kernel: { permute: [3, 2, 0, 1] } # HWIO → OIHW
 */
const mapSchema = z.strictObject({
  rename: z.array(z.strictObject({ pattern: z.string().min(1), replacement: z.string() })).default([]),
  tensors: z
    .record(
      z.string(),
      z.union([z.strictObject({ transpose: z.literal(true) }), z.strictObject({ permute: z.array(z.int().min(0)).min(1) })], {
        message: 'give each tensor either {transpose: true} or {permute: [axes]}',
      }),
    )
    .default({}),
});

export function readWeightsMap(path: string): WeightsMap {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ModuleReferenceError(`parity.weights.map: cannot read "${path}" (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); the path is relative to the config file`);
  }
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (e) {
    throw new ModuleReferenceError(`parity.weights.map "${path}" is not valid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  const parsed = mapSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ModuleReferenceError(`parity.weights.map "${path}": ${issue.path.join('.') || '(top level)'}: ${issue.message} (quote names and replacements that YAML would read as numbers); expected {rename: [{pattern, replacement}], tensors: {<graph name>: {transpose: true} | {permute: [...]}}}`);
  }
  for (const r of parsed.data.rename) {
    try {
      new RegExp(r.pattern);
    } catch (e) {
      throw new ModuleReferenceError(`parity.weights.map "${path}": rename pattern "${r.pattern}" is not a regular expression (${(e as Error).message})`);
    }
  }
  return parsed.data;
}
