import { z } from 'zod';
import type { Value } from '../../../graph/builder.ts';
import { fmtShape } from '../../../graph/shape-utils.ts';
import type { LossScope } from '../../loss-scope.ts';
import { maskedMean, maskedRelativeL2 } from '../data/masked.ts';
import type { PointDomain } from '../../../physics/pinn/point-domain.ts';
import type { LossContext, LossKindDefinition } from '../loss-kind.ts';
import { SetupError } from '../../../util/setup-error.ts';
import { evaluate } from '../../../physics/pinn/evaluate.ts';
import { EquationError, namesIn, parseExpression, type Expr } from '../../../physics/pinn/expression.ts';
import { constantParameter, GraphAlgebra } from './graph-algebra.ts';
import type { Namespace } from '../../../physics/pinn/names.ts';

/**
 * Loss terms written as equations on the `pinn` adapter's points (specs/pinn.md §3):
 *
 *   train.loss.pde:  {kind: residual, equation: "u_t - alpha * u_xx", on: interior, weight: 1}
 *   train.loss.sys:  {kind: residual, equation: ["…", "…"], on: interior}       # a system: one residual each
 *   train.loss.test: {kind: solution_error, field: u, on: test, weight: 0}      # relative L2 vs the exact u
 *
 * `residual` is the mean over the `on` rows of R², averaged over the equations of a system (the elastic
 * residual's ½(mean R_x² + mean R_y²) is the two-equation case). A syntax error is refused when the config is
 * parsed; names are resolved against the domain when the loss is built, before any step.
 */
const equationText = z.string().min(1);

export const residualSchema = z
  .strictObject({
    kind: z.literal('residual'),
    equation: z.union([equationText, z.array(equationText).min(1)]).describe('the residual R (the loss drives R to 0), or one per equation of a system'),
    on: z.string().min(1).describe('the point set whose rows the mean runs over (interior, boundary, initial, test)'),
    weight: z.number().nonnegative().default(1),
  })
  .superRefine((t, ctx) => {
    equationsOf(t).forEach((text, i) => {
      try {
        parseExpression(text, 'equation');
      } catch (e) {
        ctx.addIssue({ code: 'custom', path: Array.isArray(t.equation) ? ['equation', i] : ['equation'], message: (e as Error).message.replace(/^equation: /, '') });
      }
    });
  });
export type ResidualConfig = z.infer<typeof residualSchema>;

export const solutionErrorSchema = z.strictObject({
  kind: z.literal('solution_error'),
  field: z.string().min(1).describe('the model output compared with the exact solution of the same name (adapter.params.solution)'),
  on: z.string().min(1).default('test').describe('the point set the error is measured on'),
  weight: z.number().nonnegative().default(1),
});
export type SolutionErrorConfig = z.infer<typeof solutionErrorSchema>;

const equationsOf = (t: { equation: string | string[] }): string[] => (Array.isArray(t.equation) ? t.equation : [t.equation]);

export const residualTerm: LossKindDefinition<ResidualConfig> = {
  name: 'residual',
  description: 'an equation (or a system) written in config, e.g. "u_t - alpha*u_xx": mean of R² over the `on` points',
  params: residualSchema,
  build(scope, t, where, context) {
    const domain = domainOf(context, where);
    const mask = pointSet(scope, domain, t.on, `${where}.on`);
    const algebra = algebraFor(scope, domain, where);
    const ns = namespace(scope, domain);
    const texts = equationsOf(t);
    const residuals = texts.map((text, i) => {
      const key = Array.isArray(t.equation) ? `${where}.equation[${i}]` : `${where}.equation`;
      const expr = parseExpression(text, key);
      checkFields(scope, expr, ns, key);
      return pointwise(scope, evaluate(expr, algebra, ns, key, text), mask, key, text);
    });
    const g = scope.g;
    const squares = g.concat(residuals.map((r) => g.mul(r, r)), 1);
    return maskedMean(g, squares, mask);
  },
  estimates(t, state) {
    const out: Record<string, number> = {};
    for (const name of equationsOf(t).flatMap((text) => [...namesIn(parseExpression(text, 'equation'))])) {
      const log = state.get(constantParameter(name, true));
      const plain = state.get(constantParameter(name, false));
      if (log) out[name] = Math.exp(Number(log.data[0]));
      else if (plain) out[name] = Number(plain.data[0]);
    }
    return out;
  },
};

export const solutionErrorTerm: LossKindDefinition<SolutionErrorConfig> = {
  name: 'solution_error',
  description: 'relative L2 error ‖u − u*‖/‖u*‖ of a field against the adapter\'s exact solution, over the `on` points',
  params: solutionErrorSchema,
  build(scope, t, where, context) {
    const domain = domainOf(context, where);
    const mask = pointSet(scope, domain, t.on, `${where}.on`);
    const pred = scope.outputs[t.field];
    if (!pred) throw new SetupError(`${where}.field names "${t.field}", which the model does not produce; its outputs are: ${Object.keys(scope.outputs).join(', ')}`);
    const key = domain.solution[t.field];
    if (!key) {
      const known = Object.keys(domain.solution);
      throw new SetupError(`${where}.field is "${t.field}", which has no exact solution: give it as ${domain.where}.solution.${t.field} (an expression in ${domain.coordinates.join(', ')})${known.length ? `; the solution has ${known.join(', ')}` : ''}`);
    }
    const exact = scope.inputs[key];
    if (pred.rank !== 2 || pred.shape[1] !== exact.shape[1]) throw new SetupError(`${where}.field: output "${t.field}" has shape ${fmtShape(pred.shape)} but its exact solution is ${fmtShape(exact.shape)}; name the model's channels with model.params.outputs`);
    return maskedRelativeL2(scope.g, pred, exact, mask);
  },
};

function domainOf(context: LossContext, where: string): PointDomain {
  if (!context.domain) throw new SetupError(`${where}: an equation term needs the points of the pinn adapter (adapter.name: pinn), which declares the coordinates, constants and point sets it names; this data has none`);
  return context.domain;
}

function pointSet(scope: LossScope, domain: PointDomain, set: string, key: string): Value {
  const mask = domain.sets[set];
  if (!mask) throw new SetupError(`${key} is "${set}", which is not a point set with points; the sets are: ${Object.keys(domain.sets).join(', ')} (${domain.where}.points)`);
  return scope.inputs[mask];
}

/** One graph algebra per loss build, so the terms share their derivative passes and trained constants. */
const algebras = new WeakMap<LossScope, GraphAlgebra>();

function algebraFor(scope: LossScope, domain: PointDomain, where: string): GraphAlgebra {
  let a = algebras.get(scope);
  if (!a) {
    const coords = scope.inputs[domain.coords];
    if (!coords) throw new SetupError(`${where}: the data has no key "${domain.coords}" (the points the domain declares)`);
    a = new GraphAlgebra(scope, coords, domain.constants);
    algebras.set(scope, a);
  }
  return a;
}

function namespace(scope: LossScope, domain: PointDomain): Namespace {
  return { outputs: Object.keys(scope.outputs), coordinates: domain.coordinates, constants: Object.keys(domain.constants) };
}

/** A field an equation names must be one value per point ([batch, 1]): a multi-channel output is named per channel. */
function checkFields(scope: LossScope, expr: Expr, ns: Namespace, key: string): void {
  for (const name of namesIn(expr)) {
    const field = ns.outputs.find((o) => o === name || name.startsWith(`${o}_`));
    const v = field === undefined ? undefined : scope.outputs[field];
    if (v && (v.rank !== 2 || v.shape[1] !== 1)) {
      throw new EquationError(key, `the model output "${field}" has shape ${fmtShape(v.shape)}; an equation names one value per point, so name the channels with model.params.outputs (e.g. outputs: [u, v])`);
    }
  }
}

/** The residual as [batch, 1]: an equation of constants alone is spread over the rows. */
function pointwise(scope: LossScope, r: Value, mask: Value, key: string, text: string): Value {
  const rows = mask.shape[0];
  if (r.rank === 0 || (r.rank === 1 && r.shape[0] === 1)) return scope.g.expand(r, [rows, 1]);
  if (r.rank !== 2 || r.shape[0] !== rows || r.shape[1] !== 1) throw new EquationError(key, `"${text}" has shape ${fmtShape(r.shape)}; a residual is one value per point, [${rows}, 1]`);
  return r;
}
