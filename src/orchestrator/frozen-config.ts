import { HandshakeRequiredError } from './errors.ts';
import type { TandemConfig } from './config/schema.ts';

/**
 * The only config a workflow stage accepts (spec: specs/config-handshake.md §7). It is branded at the type level
 * and registered at runtime, so neither a cast nor a structurally equal object literal gets past assertFrozen():
 * the handshake is the one place that mints it.
 */
declare const frozenBrand: unique symbol;

export type DeepReadonly<T> = T extends (infer E)[]
  ? readonly DeepReadonly<E>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

export interface FrozenConfig {
  readonly [frozenBrand]: true;
  /** The resolved, validated config, deep-frozen. Plugin params include their schema defaults. */
  readonly config: DeepReadonly<TandemConfig>;
  /** sha256 of the canonical JSON of `config`. */
  readonly hash: string;
  /** The command-line overrides as typed, in order. */
  readonly overrides: readonly string[];
  /** The primary config file, as given. */
  readonly configFile: string;
  /** The chosen option per config group (e.g. backend: tfjs). */
  readonly choices: Readonly<Record<string, string>>;
}

const minted = new WeakSet<object>();

/** Called by the handshake only. */
export function mintFrozenConfig(fields: Omit<FrozenConfig, typeof frozenBrand>): FrozenConfig {
  const frozen = Object.freeze({ ...fields }) as FrozenConfig;
  minted.add(frozen);
  return frozen;
}

export function isFrozenConfig(value: unknown): value is FrozenConfig {
  return typeof value === 'object' && value !== null && minted.has(value);
}

/** The runtime half of the guarantee: TypeScript can be cast around, this cannot. */
export function assertFrozenConfig(value: unknown, stage: string): asserts value is FrozenConfig {
  if (!isFrozenConfig(value)) throw new HandshakeRequiredError(stage);
}
