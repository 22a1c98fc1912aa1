import type { z } from 'zod';
import type { Value } from '../../graph/builder.ts';
import type { Tensor } from '../../graph/tensor.ts';
import type { LossScope } from '../loss-scope.ts';
import type { PointDomain } from '../../physics/pinn/point-domain.ts';

/**
 * A loss kind: what a config names in `train.loss.<term>.kind`, e.g. `train.loss.pde: {kind: elastic_residual,
 * weight: 1, ...}`. Shaped like a PluginDefinition — a name, a description, the zod schema of its section, and
 * what it builds — and listed, like the plugins, in one array (./loss-kinds.ts). The section's schema is checked
 * when the config is parsed, so a typo is refused before anything runs; `build` writes the rank-0 value in
 * forward ops from a LossScope, taking input derivatives with `scope.derivative` so the PyTorch reference can
 * recompute them with its own autograd.
 */
export interface LossKindDefinition<C extends LossTermConfig = LossTermConfig> {
  readonly name: string;
  readonly description: string;
  /** The whole section, `kind` and `weight` included; must default `weight` to 1. */
  readonly params: z.ZodType<C>;
  /**
   * The unweighted term; `where` is the config path (`train.loss.pde`) for error messages, `context` what the
   * data declares about itself (a PINN's domain, when the adapter has one).
   */
  build(scope: LossScope, config: C, where: string, context: LossContext): Value;
  /** What the term's own trained parameters stand for, read from the training state (e.g. {lambda: 2.01}). */
  estimates?(config: C, state: ReadonlyMap<string, Tensor>): Record<string, number>;
}

/** One `train.loss.<term>` section as its kind's schema parsed it. */
export interface LossTermConfig {
  readonly kind: string;
  readonly weight: number;
  readonly [key: string]: unknown;
}

/** What the data adapter tells the loss about its data beyond keys and shapes. */
export interface LossContext {
  /** The points' coordinates, constants, point sets and exact solution (the `pinn` adapter). */
  readonly domain?: PointDomain;
}
