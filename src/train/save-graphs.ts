import { join } from 'node:path';
import { toOnnx } from '../graph/onnx/to-onnx.ts';
import { writeFileAtomic } from '../util/atomic-write.ts';
import type { ProgramGraphs } from './program.ts';

/**
 * Writes every program graph as `<dir>/graphs/<role>.onnx` (forward, evaluation, loss, gradients, step): what a run trained
 * is inspectable in Netron and loadable by any ONNX tool. Returns the paths by role.
 */
export function saveProgramGraphs(graphs: ProgramGraphs, dir: string): Record<keyof ProgramGraphs, string> {
  const paths = {} as Record<keyof ProgramGraphs, string>;
  for (const role of Object.keys(graphs) as (keyof ProgramGraphs)[]) {
    const path = join(dir, 'graphs', `${role}.onnx`);
    writeFileAtomic(path, toOnnx(graphs[role]));
    paths[role] = path;
  }
  return paths;
}
