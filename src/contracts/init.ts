import type { Rng } from '../data/rng.ts';

/** How a parameter's initial values are drawn. All draws come from a per-parameter seeded stream. */
export type Init =
  | { readonly kind: 'zeros' }
  | { readonly kind: 'constant'; readonly value: number }
  | { readonly kind: 'uniform'; readonly bound: number }
  | { readonly kind: 'normal'; readonly std: number };

/**
 * torch.nn.Linear / ConvNd default init: kaiming_uniform(a=√5) for weights and U(±1/√fan_in) for biases both reduce
 * to U(±1/√fan_in), so a tandem model starts from the same distribution a PyTorch user expects.
 */
export function torchDefault(fanIn: number): Init {
  return { kind: 'uniform', bound: 1 / Math.sqrt(fanIn) };
}

/** Glorot/Xavier uniform, as torch.nn.init.xavier_uniform_ (a common choice for tanh PINNs). */
export function xavierUniform(fanIn: number, fanOut: number, gain = 1): Init {
  return { kind: 'uniform', bound: gain * Math.sqrt(6 / (fanIn + fanOut)) };
}

export function draw(init: Init, n: number, rng: Rng): Float64Array {
  const out = new Float64Array(n);
  switch (init.kind) {
    case 'zeros':
      break;
    case 'constant':
      out.fill(init.value);
      break;
    case 'uniform':
      for (let i = 0; i < n; i++) out[i] = (2 * rng.uniform() - 1) * init.bound;
      break;
    case 'normal':
      for (let i = 0; i < n; i++) out[i] = rng.normal() * init.std;
      break;
  }
  return out;
}
