/**
 * What the points of a PINN data set mean, as the `pinn` adapter declares them (specs/pinn.md): which data key
 * holds the points and what its columns are called, the constants an equation may name, the point sets (each a
 * 0/1 mask key) and the exact solution's data keys. Equation loss terms (`residual`, `solution_error`) resolve
 * their names against it; the training run and parity hand it from the adapter to the loss builder.
 */
export interface PointDomain {
  /** Config path of the declaration, for messages (`adapter.params`). */
  readonly where: string;
  /** The data key of the points, [n, d]: the model's input. */
  readonly coords: string;
  /** The names of its d columns, in order (`x`, `t`). */
  readonly coordinates: readonly string[];
  readonly constants: Readonly<Record<string, DomainConstant>>;
  /** Point-set name → its [n, 1] mask key (`interior` → `mask_interior`); only sets that hold points. */
  readonly sets: Readonly<Record<string, string>>;
  /** Field → the data key of its exact values [n, 1], for the fields the adapter has a `solution` for. */
  readonly solution: Readonly<Record<string, string>>;
  /** The regular test grid (the validation rows, first coordinate fastest): points per coordinate. */
  readonly grid?: readonly number[];
}

/** A fixed number, or a constant the loss trains (an inverse problem), kept > 0 by training its log when `positive`. */
export type DomainConstant = { readonly value: number } | { readonly init: number; readonly trainable: true; readonly positive: boolean };
