import type { RawArray, RawData } from '../../data/raw-data.ts';
import type { DomainConstant, PointDomain } from './point-domain.ts';
import { SetupError } from '../../util/setup-error.ts';
import { evaluate } from './evaluate.ts';
import { FUNCTIONS, parseExpression } from './expression.ts';
import { NumericAlgebra, SOLUTION_FUNCTIONS } from './numeric-algebra.ts';
import { boundaryPoints, gridPoints, initialPoints, interiorPoints, TIME, type Box, type Sampler } from './points.ts';

/**
 * A PINN's whole data set as ONE table of points, so the network runs once per step (as the elastic PINN): rows
 * interior, boundary, initial, then the test grid, each set a 0/1 mask column `mask_<set>`, and the exact
 * solution `<field>_exact` on every row when the config gives one. The test rows come last so they form the
 * validation split. Keys: `coords` [n, d] (the model input), `mask_<set>` [n, 1], `<field>_exact` [n, 1].
 */
export interface PinnDomainOptions {
  readonly domain: Readonly<Record<string, readonly [number, number]>>;
  readonly points: { readonly interior: number; readonly boundary: number; readonly initial?: number | undefined; readonly sampler: Sampler; readonly seed: number };
  readonly test_grid: Readonly<Record<string, number>>;
  readonly solution: Readonly<Record<string, string>>;
  readonly constants: Readonly<Record<string, number | { readonly init: number; readonly trainable: boolean; readonly positive: boolean }>>;
}

export const COORDS_KEY = 'coords';
export const SETS = ['interior', 'boundary', 'initial', 'test'] as const;
export const maskKey = (set: string): string => `mask_${set}`;
export const exactKey = (field: string): string => `${field}_exact`;

/** The box, refused when an interval is empty or a name cannot be an equation name. */
export function boxOf(o: PinnDomainOptions, where: string): Box {
  const names = Object.keys(o.domain);
  if (names.length === 0) throw new SetupError(`${where}.domain is empty; give one interval per coordinate, e.g. {x: [0, 1], t: [0, 0.5]}`);
  for (const [name, [lo, hi]] of Object.entries(o.domain)) {
    if (!/^[A-Za-z][A-Za-z0-9]*$/.test(name)) throw new SetupError(`${where}.domain.${name}: a coordinate name is letters and digits, starting with a letter (it is written in equations)`);
    if (!(hi > lo)) throw new SetupError(`${where}.domain.${name} is [${lo}, ${hi}], an empty interval; give [low, high] with low < high`);
  }
  return { names, lo: names.map((n) => o.domain[n][0]), hi: names.map((n) => o.domain[n][1]) };
}

/** How many points each set gets; `initial` defaults to the boundary count when there is a time `t`, else 0. */
export function setSizes(o: PinnDomainOptions, box: Box, where: string): Record<(typeof SETS)[number], number> {
  const hasTime = box.names.includes(TIME);
  const initial = o.points.initial ?? (hasTime ? o.points.boundary : 0);
  if (initial > 0 && !hasTime) throw new SetupError(`${where}.points.initial is ${initial} but the domain has no coordinate named "${TIME}" (it has ${box.names.join(', ')}); the initial set lies at the first value of t, so set it to 0`);
  const spatial = box.names.filter((n) => n !== TIME);
  if (o.points.boundary > 0 && spatial.length === 0) throw new SetupError(`${where}.points.boundary is ${o.points.boundary} but the domain has only the time coordinate; set it to 0`);
  if (o.points.interior < 1) throw new SetupError(`${where}.points.interior is ${o.points.interior}: a PINN needs at least one interior point`);
  const missing = box.names.filter((n) => !(n in o.test_grid));
  const extra = Object.keys(o.test_grid).filter((n) => !box.names.includes(n));
  if (missing.length || extra.length) throw new SetupError(`${where}.test_grid must give a point count for each coordinate (${box.names.join(', ')})${missing.length ? `; missing: ${missing.join(', ')}` : ''}${extra.length ? `; not coordinates: ${extra.join(', ')}` : ''}`);
  const test = box.names.reduce((n, name) => n * o.test_grid[name], 1);
  return { interior: o.points.interior, boundary: o.points.boundary, initial, test };
}

/** The data table of one collocation round (round > 0: a fresh draw of the train sets; the test grid never changes). */
export function pinnDataset(o: PinnDomainOptions, where: string, round = 0): { raw: RawData; trainRows: number; testRows: number } {
  const box = boxOf(o, where);
  const sizes = setSizes(o, box, where);
  const { sampler, seed } = o.points;
  const d = box.names.length;
  const groups = [
    interiorPoints(box, sizes.interior, sampler, seed, round),
    sizes.boundary ? boundaryPoints(box, sizes.boundary, sampler, seed, round) : new Float64Array(0),
    sizes.initial ? initialPoints(box, sizes.initial, sampler, seed, round) : new Float64Array(0),
    gridPoints(box, box.names.map((n) => o.test_grid[n])),
  ];
  const rows = groups.reduce((n, g) => n + g.length / d, 0);
  const coords = new Float64Array(rows * d);
  const masks = SETS.map(() => new Float64Array(rows));
  let r = 0;
  groups.forEach((points, set) => {
    coords.set(points, r * d);
    for (let i = 0; i < points.length / d; i++) masks[set][r + i] = 1;
    r += points.length / d;
  });
  const arrays = new Map<string, RawArray>([
    [COORDS_KEY, { dtype: 'float64', shape: [rows, d], data: coords }],
    ...SETS.map((s, i): [string, RawArray] => [maskKey(s), { dtype: 'float64', shape: [rows, 1], data: masks[i] }]),
  ]);
  for (const [field, values] of Object.entries(exactSolution(o, box, coords, where))) arrays.set(exactKey(field), { dtype: 'float64', shape: [rows, 1], data: values });
  return { raw: { source: `pinn points on ${box.names.map((n, k) => `${n} ∈ [${box.lo[k]}, ${box.hi[k]}]`).join(' × ')} (seed ${seed}, round ${round})`, arrays, attrs: {} }, trainRows: rows - sizes.test, testRows: sizes.test };
}

/** Each `solution` expression on every point; a value that is not finite is refused with the point. */
export function exactSolution(o: PinnDomainOptions, box: Box, coords: Float64Array, where: string): Record<string, Float64Array> {
  const fixed: Record<string, number> = {};
  for (const [name, c] of Object.entries(o.constants)) if (typeof c === 'number') fixed[name] = c;
  const d = box.names.length;
  const out: Record<string, Float64Array> = {};
  for (const [field, text] of Object.entries(o.solution)) {
    const key = `${where}.solution.${field}`;
    const expr = parseExpression(text, key, Object.keys(SOLUTION_FUNCTIONS));
    const trained = Object.keys(o.constants).filter((n) => !(n in fixed));
    const ns = { outputs: [], coordinates: box.names, constants: Object.keys(fixed) };
    let values: Float64Array;
    try {
      values = evaluate(expr, new NumericAlgebra(coords, d, fixed, key), ns, key, text);
    } catch (e) {
      const hint = trained.length ? ` (trained constants, ${trained.join(', ')}, have no value for the exact solution: write their true values as numbers)` : '';
      throw new SetupError(`${(e as Error).message}${hint}`);
    }
    const bad = values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) {
      const at = box.names.map((n, k) => `${n}=${coords[bad * d + k]}`).join(', ');
      throw new SetupError(`${key} = "${text}" is ${values[bad]} at (${at}); an exact solution must be finite on every point, the test grid included`);
    }
    out[field] = values;
  }
  return out;
}

/** What the loss may name: the coordinates, the constants, the point sets with points and the exact solution. */
export function pinnDomain(o: PinnDomainOptions, where: string): PointDomain {
  const box = boxOf(o, where);
  const sizes = setSizes(o, box, where);
  const constants: Record<string, DomainConstant> = {};
  const reserved = new Set<string>([...box.names, 'pi', 'd', ...FUNCTIONS]);
  for (const [name, c] of Object.entries(o.constants)) {
    if (reserved.has(name)) throw new SetupError(`${where}.constants.${name}: "${name}" is ${box.names.includes(name) ? 'a coordinate' : 'a built-in name'}; give the constant another name`);
    if (typeof c === 'number') constants[name] = { value: c };
    else if (!c.trainable) constants[name] = { value: c.init };
    else {
      if (c.positive && !(c.init > 0)) throw new SetupError(`${where}.constants.${name}.init is ${c.init}, but a positive constant starts > 0 (it is trained as its log)`);
      constants[name] = { init: c.init, trainable: true, positive: c.positive };
    }
  }
  return {
    where,
    coords: COORDS_KEY,
    coordinates: box.names,
    constants,
    sets: Object.fromEntries(SETS.filter((s) => sizes[s] > 0).map((s) => [s, maskKey(s)])),
    solution: Object.fromEntries(Object.keys(o.solution).map((f) => [f, exactKey(f)])),
    grid: box.names.map((n) => o.test_grid[n]),
  };
}
