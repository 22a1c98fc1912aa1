import { Adam } from './adam.ts';
import type { GraphOptimizer } from './graph-optimizer.ts';
import { parseOptimizerOptions } from './optimizer-options.ts';
import { Sgd } from './sgd.ts';

/** The optimizer a config section describes (validated here, so a config layer can pass the section through). */
export function createOptimizer(raw: unknown): GraphOptimizer & { readonly options: { readonly lr: number } } {
  const opts = parseOptimizerOptions(raw);
  return opts.name === 'sgd' ? new Sgd(opts) : new Adam(opts.name, opts);
}
