import { z } from 'zod';
import type { Value } from '../../../graph/builder.ts';
import { fmtShape } from '../../../graph/shape-utils.ts';
import { tensor } from '../../../graph/tensor.ts';
import { scopeInput, scopeMask, scopeOutput } from '../scope-keys.ts';
import type { LossScope } from '../../loss-scope.ts';
import { maskedMean } from '../data/masked.ts';
import type { LossKindDefinition } from '../loss-kind.ts';
import { column } from '../columns.ts';
import { firstDerivatives, secondDerivatives } from './displacement-derivatives.ts';
import { checkMaterial, MATERIAL_KEYS, type MaterialKey } from '../../../physics/elastic/material.ts';

/**
 * The 2D elastic-wave PINN's physics terms, declared in config:
 *
 *   train.loss.pde: {kind: elastic_residual, output: u, coords: xyt, mask: mask_pde, weight: 1}
 *   train.loss.ic:  {kind: elastic_initial,  output: u, coords: xyt, target: u_ref, velocity: v_ref, mask: mask_ic}
 *
 * `elastic_residual` is kwavers' `½(mean R_x² + mean R_y²)` of R = ρ ü − ∇·σ (plane strain, homogeneous):
 *   R_x = ρ u_x,tt − [(λ + 2μ) u_x,xx + μ u_x,yy + (λ + μ) u_y,xy]
 *   R_y = ρ u_y,tt − [(λ + 2μ) u_y,yy + μ u_y,xx + (λ + μ) u_x,xy]
 * Each of λ, μ, ρ is a fixed number (`lambda: 2`), trainable (`lambda: {trainable: 1.5}`, the initial guess),
 * or, when omitted, the data key of that name (a constant the adapter provides). A trainable constant c is the
 * parameter `material.log_<c>` with c = exp(log_c): positive by construction, and scale-free steps for Adam.
 *
 * `elastic_initial` is `½(MSE_u + MSE_v)` at t = 0: displacement against `target` and velocity ∂u/∂t (from our
 * autodiff) against `velocity`.
 */
const materialSource = z.union([z.number(), z.strictObject({ trainable: z.number().positive().describe('initial guess (> 0)') })]);

const pointsSchema = {
  output: z.string().min(1).default('u').describe('the model output u = (u_x, u_y), [batch, 2]'),
  coords: z.string().min(1).default('xyt').describe('the data key of the points (x, y, t), [batch, 3]; the model input'),
  mask: z.string().min(1).optional().describe('a [batch, 1] 0/1 data key selecting the rows this term uses'),
  weight: z.number().nonnegative().default(1),
};

export const elasticResidualSchema = z.strictObject({
  kind: z.literal('elastic_residual'),
  ...pointsSchema,
  lambda: materialSource.optional().describe('λ: a number, {trainable: initial}, or omitted for the data key "lambda"'),
  mu: materialSource.optional().describe('μ: as lambda'),
  rho: materialSource.optional().describe('ρ: as lambda'),
});
export type ElasticResidualConfig = z.infer<typeof elasticResidualSchema>;

export const elasticInitialSchema = z.strictObject({
  kind: z.literal('elastic_initial'),
  ...pointsSchema,
  target: z.string().min(1).default('u_ref').describe('the data key of the initial displacement, [batch, 2]'),
  velocity: z.string().min(1).default('v_ref').describe('the data key of the initial velocity ∂u/∂t, [batch, 2]'),
});
export type ElasticInitialConfig = z.infer<typeof elasticInitialSchema>;

/** The name of the trainable parameter behind a material constant. */
export const materialParameter = (key: MaterialKey): string => `material.log_${key}`;

export const elasticResidualTerm: LossKindDefinition<ElasticResidualConfig> = {
  name: 'elastic_residual',
  description: 'residual of ρ ü = ∇·σ (2D plane strain, isotropic), ½(mean R_x² + mean R_y²)',
  params: elasticResidualSchema,
  build(scope, t, where) {
    const { u, coords, mask } = fieldAndPoints(scope, t, where);
    const m = material(scope, t, where, u);
    const d = secondDerivatives(scope, u, coords);
    const g = scope.g;
    const lambda2mu = g.add(m.lambda, g.mul(g.scalar(2, u.dtype), m.mu));
    const lambdaMu = g.add(m.lambda, m.mu);
    const rx = g.sub(g.mul(m.rho, d.uxTT), g.add(g.add(g.mul(lambda2mu, d.uxXX), g.mul(m.mu, d.uxYY)), g.mul(lambdaMu, d.uyXY)));
    const ry = g.sub(g.mul(m.rho, d.uyTT), g.add(g.add(g.mul(lambda2mu, d.uyYY), g.mul(m.mu, d.uyXX)), g.mul(lambdaMu, d.uxXY)));
    const squares = g.concat([g.mul(rx, rx), g.mul(ry, ry)], 1);
    return maskedMean(g, squares, mask ?? g.constant(ones(u)));
  },
  estimates(t, state) {
    const out: Record<string, number> = {};
    for (const key of MATERIAL_KEYS) {
      const log = state.get(materialParameter(key));
      if (typeof t[key] === 'object' && log) out[key] = Math.exp(Number(log.data[0]));
    }
    return out;
  },
};

export const elasticInitialTerm: LossKindDefinition<ElasticInitialConfig> = {
  name: 'elastic_initial',
  description: 'initial condition at t = 0: ½(MSE of u against target + MSE of ∂u/∂t against velocity)',
  params: elasticInitialSchema,
  build(scope, t, where) {
    const { u, coords, mask } = fieldAndPoints(scope, t, where);
    const target = pairInput(scope, t.target, u, `${where}.target`);
    const velocity = pairInput(scope, t.velocity, u, `${where}.velocity`);
    const first = firstDerivatives(scope, u, coords);
    const g = scope.g;
    const ut = g.concat([column(scope, first.gradUx, 2), column(scope, first.gradUy, 2)], 1);
    const rows = mask ?? g.constant(ones(u));
    const sq = (a: Value, b: Value) => {
      const diff = g.sub(a, b);
      return maskedMean(g, g.mul(diff, diff), rows);
    };
    return g.mul(g.scalar(0.5, u.dtype), g.add(sq(u, target), sq(ut, velocity)));
  },
};

function fieldAndPoints(scope: LossScope, t: { output: string; coords: string; mask?: string | undefined }, where: string) {
  const u = scopeOutput(scope, t.output, `${where}.output`);
  if (u.rank !== 2 || u.shape[1] !== 2) throw new Error(`${where}.output: "${t.output}" has shape ${fmtShape(u.shape)}; the displacement must be [batch, 2] (u_x, u_y): set the model's out_features to 2`);
  const coords = scopeInput(scope, t.coords, `${where}.coords`);
  if (coords.rank !== 2 || coords.shape[1] !== 3) throw new Error(`${where}.coords: "${t.coords}" has shape ${fmtShape(coords.shape)}; the points must be [batch, 3] (x, y, t)`);
  const mask = t.mask === undefined ? undefined : scopeMask(scope, t.mask, u, `${where}.mask`);
  return { u, coords, mask };
}

function pairInput(scope: LossScope, name: string, u: Value, key: string): Value {
  const v = scopeInput(scope, name, key);
  if (v.rank !== 2 || v.shape[0] !== u.shape[0] || v.shape[1] !== 2) throw new Error(`${key}: "${name}" has shape ${fmtShape(v.shape)}; it must be [${u.shape[0]}, 2] like the displacement`);
  return v;
}

/** λ, μ, ρ as graph values (rank 0 or [1], broadcast over the batch) from their configured sources. */
function material(scope: LossScope, t: ElasticResidualConfig, where: string, u: Value): Record<MaterialKey, Value> {
  const fixed = Object.fromEntries(MATERIAL_KEYS.flatMap((k) => (typeof t[k] === 'number' ? [[k, t[k]]] : [])));
  checkMaterial(fixed, where);
  const out = {} as Record<MaterialKey, Value>;
  for (const key of MATERIAL_KEYS) {
    const source = t[key];
    if (typeof source === 'number') {
      out[key] = scope.g.scalar(source, u.dtype);
    } else if (source) {
      const log = scope.parameter(materialParameter(key), [1], { kind: 'constant', value: Math.log(source.trainable) });
      out[key] = scope.g.exp(log);
    } else {
      const v = scope.inputs[key];
      if (!v) {
        throw new Error(`${where}.${key} is not set and the data has no key "${key}": give ${where}.${key} as a number, as {trainable: <initial guess>}, or let the adapter provide it`);
      }
      if (v.shape.length > 1 || (v.shape.length === 1 && v.shape[0] !== 1)) throw new Error(`data key "${key}" has shape ${fmtShape(v.shape)}; ${where} needs one number (shape [] or [1])`);
      out[key] = v;
    }
  }
  return out;
}

/** Every row selected: the term without a mask. */
function ones(u: Value) {
  return tensor(u.dtype, [u.shape[0], 1], new Array<number>(u.shape[0]).fill(1));
}
