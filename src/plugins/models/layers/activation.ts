import type { GraphBuilder, Value } from '../../../graph/builder.ts';

/** Activations a model config may name. silu (x·σ(x)) is PhysicsNeMo's FNO decoder default. */
export const ACTIVATIONS = ['tanh', 'sin', 'relu', 'sigmoid', 'gelu', 'softplus', 'silu'] as const;
export type Activation = (typeof ACTIVATIONS)[number];

/** Applies the activation named in config; gelu is the exact (erf) form, as torch's nn.GELU() default. */
export function activate(g: GraphBuilder, h: Value, act: Activation): Value {
  switch (act) {
    case 'tanh':
      return g.tanh(h);
    case 'sin':
      return g.sin(h);
    case 'relu':
      return g.relu(h);
    case 'sigmoid':
      return g.sigmoid(h);
    case 'gelu':
      return g.gelu(h);
    case 'softplus':
      return g.softplus(h);
    case 'silu':
      return g.mul(h, g.sigmoid(h));
  }
}
