import type { Backend } from '../../src/contracts/backend.ts';
import type { Graph } from '../../src/graph/ir.ts';
import type { TrainingProgram } from '../../src/train/program.ts';

/** `inner` with `compile` and/or `executor` replaced (where a test plants its bug); everything else delegates. */
export function replacingBackend(inner: Backend, replaced: Partial<Pick<Backend, 'compile' | 'executor'>>): Backend {
  return {
    name: inner.name,
    dtype: inner.dtype,
    capabilities: () => inner.capabilities(),
    effectiveSettings: () => inner.effectiveSettings(),
    executor: (options) => inner.executor(options),
    compile: (p) => inner.compile(p),
    ...replaced,
  };
}

/** `p` with every one of its graphs put through `rewrite`. */
export function rewrittenGraphs(p: TrainingProgram, rewrite: (graph: Graph) => Graph): TrainingProgram {
  const graphs = Object.fromEntries(Object.entries(p.graphs).map(([role, g]) => [role, rewrite(g)])) as unknown as TrainingProgram['graphs'];
  return { ...p, graphs };
}
