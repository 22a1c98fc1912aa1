import { EquationError, MAX_ORDER, type Expr } from './expression.ts';

/**
 * What the names of an equation mean on a PINN domain. A name is, in this order: a model output (`u`), a
 * coordinate (`x`), a constant (`alpha`), `pi`, or a derivative written with subscripts: `u_xt` is ∂²u/∂x∂t, the
 * letters after the last `_` being one-letter coordinate names (`d(u, x, 2)` spells the same for any coordinate
 * name). Mixed partials commute, so a derivative is keyed by its coordinates' indices in sorted order.
 */
export interface Namespace {
  readonly outputs: readonly string[];
  readonly coordinates: readonly string[];
  readonly constants: readonly string[];
}

export type Resolved =
  | { readonly kind: 'output'; readonly name: string }
  | { readonly kind: 'coordinate'; readonly index: number }
  | { readonly kind: 'constant'; readonly name: string }
  | { readonly kind: 'pi' }
  | { readonly kind: 'derivative'; readonly field: string; readonly wrt: readonly number[] };

/** The meaning of a name, or an error at `key` that lists the names there are. */
export function resolveName(name: string, ns: Namespace, key: string, text: string): Resolved {
  if (ns.outputs.includes(name)) return { kind: 'output', name };
  const c = ns.coordinates.indexOf(name);
  if (c >= 0) return { kind: 'coordinate', index: c };
  if (ns.constants.includes(name)) return { kind: 'constant', name };
  if (name === 'pi') return { kind: 'pi' };
  const cut = name.lastIndexOf('_');
  if (cut > 0 && cut < name.length - 1) return subscripted(name.slice(0, cut), [...name.slice(cut + 1)], ns, key, text, name, 'subscript');
  throw new EquationError(key, `"${name}" in "${text}" is not a name here; the names are ${listing(ns)}`);
}

/** d(field, coordinate, order) resolved like the subscript form. */
export function resolveDerivative(e: Extract<Expr, { kind: 'd' }>, ns: Namespace, key: string, text: string): Resolved {
  return subscripted(e.field, new Array<string>(e.order).fill(e.wrt), ns, key, text, `d(${e.field}, ${e.wrt}${e.order > 1 ? `, ${e.order}` : ''})`, 'd');
}

function subscripted(field: string, by: readonly string[], ns: Namespace, key: string, text: string, written: string, form: 'subscript' | 'd'): Resolved {
  const at = `"${written}" in "${text}"`;
  if (ns.constants.includes(field) || field === 'pi') throw new EquationError(key, `${at} differentiates the constant "${field}" (its derivative is 0); only model outputs (${ns.outputs.join(', ')}) are differentiated`);
  if (ns.coordinates.includes(field)) throw new EquationError(key, `${at} differentiates the coordinate "${field}"; only model outputs (${ns.outputs.join(', ')}) are differentiated`);
  if (!ns.outputs.includes(field)) {
    if (form === 'subscript') throw new EquationError(key, `"${written}" in "${text}" is not a name here; the names are ${listing(ns)}`);
    throw new EquationError(key, `${at} differentiates "${field}", which is not a model output; the outputs are ${ns.outputs.join(', ')}`);
  }
  const bad = by.find((cn) => !ns.coordinates.includes(cn));
  if (bad !== undefined) {
    const hint = form === 'subscript' && ns.coordinates.some((cn) => cn.length > 1) ? ' (a coordinate whose name is longer than one letter is written d(u, name))' : '';
    throw new EquationError(key, `${at} differentiates by "${bad}", which is not a coordinate; the coordinates are ${ns.coordinates.join(', ')}${hint}`);
  }
  if (by.length > MAX_ORDER) throw new EquationError(key, `${at} is a derivative of order ${by.length}; the highest order is ${MAX_ORDER}`);
  return { kind: 'derivative', field, wrt: by.map((cn) => ns.coordinates.indexOf(cn)).sort((a, b) => a - b) };
}

function listing(ns: Namespace): string {
  const part = (label: string, names: readonly string[]) => (names.length ? [`${label} ${names.join(', ')}`] : []);
  const [u, x] = [ns.outputs[0], ns.coordinates[0]];
  const derivatives = u === undefined ? [] : [`derivatives such as ${u}_${x}${x} or d(${u}, ${x}, 2)`];
  return [...part('outputs', ns.outputs), ...part('coordinates', ns.coordinates), ...part('constants', ns.constants), 'pi', ...derivatives].join('; ');
}
