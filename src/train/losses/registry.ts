import type { z } from 'zod';
import type { Value } from '../../graph/builder.ts';
import type { Tensor } from '../../graph/tensor.ts';
import type { LossScope } from '../loss-scope.ts';
import type { PointDomain } from '../../physics/pinn/point-domain.ts';

/**
 * Loss-term kinds beyond the data-fit ones (mse, l1, rel_l2 in data-loss.ts): physics terms a config declares
 * by name, e.g. `train.loss.pde: {kind: elastic_residual, weight: 1, ...}`. A kind owns the schema of its section
 * (checked when the config is parsed, so a typo is refused before anything runs) and builds its rank-0 value in
 * forward ops from a LossScope, taking input derivatives with `scope.derivative` so the PyTorch reference can
 * recompute them with its own autograd.
 *
 * Kinds are registered by the modules that define them (the plugin list registers the physics ones), so `train/`
 * never imports `physics/`.
 */
export interface PhysicsTermConfig {
  readonly kind: string;
  readonly weight: number;
  readonly [key: string]: unknown;
}

export interface LossTermKind<C extends PhysicsTermConfig = PhysicsTermConfig> {
  readonly kind: string;
  readonly description: string;
  /** The whole section, `kind` and `weight` included; must default `weight` to 1. */
  readonly schema: z.ZodType<C>;
  /**
   * The unweighted term; `where` is the config path (`train.loss.pde`) for error messages, `context` what the
   * data declares about itself (a PINN's domain, when the adapter has one).
   */
  build(scope: LossScope, config: C, where: string, context: LossContext): Value;
  /** What the term's own trained parameters stand for, read from the training state (e.g. {lambda: 2.01}). */
  estimates?(config: C, state: ReadonlyMap<string, Tensor>): Record<string, number>;
}

/** What the data adapter tells the loss about its data beyond keys and shapes. */
export interface LossContext {
  /** The points' coordinates, constants, point sets and exact solution (the `pinn` adapter). */
  readonly domain?: PointDomain;
}

/** Every physics term's estimates after training, as `<term>.<name>` → value (empty when no term trains any). */
export function lossTermEstimates(terms: Readonly<Record<string, PhysicsTermConfig>>, state: ReadonlyMap<string, Tensor>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, t] of Object.entries(terms)) {
    for (const [k, v] of Object.entries(kinds.get(t.kind)?.estimates?.(t, state) ?? {})) out[`${name}.${k}`] = v;
  }
  return out;
}

const kinds = new Map<string, LossTermKind>();

export function registerLossTermKind<C extends PhysicsTermConfig>(def: LossTermKind<C>): void {
  const existing = kinds.get(def.kind);
  if (existing && existing !== (def as unknown as LossTermKind)) throw new Error(`loss-term kind "${def.kind}" is registered twice; kind names must be unique`);
  kinds.set(def.kind, def as unknown as LossTermKind);
}

export function findLossTermKind(kind: string): LossTermKind | undefined {
  return kinds.get(kind);
}

export function registeredLossTermKinds(): string[] {
  return [...kinds.keys()].sort();
}
