import { UsageError } from '../errors.ts';
import { MAX_SWEEP_JOBS } from '../sweep/sweep-limits.ts';
import { OverrideSyntaxError, parseOverrideValue, typePrimitive, type OverrideValue } from './override-value.ts';

/**
 * Hydra's sweep functions as the whole value of an override (spec: specs/sweeps.md §1;
 * website/docs/advanced/override_grammar/extended.md, hydra/_internal/grammar/grammar_functions.py):
 *
 *   choice(a, b, c)               the values a, b, c (≡ `a,b,c`), each any override element
 *   range(start, stop[, step])    start, start+step, … while < stop (> stop for a negative step); stop exclusive
 *   range(stop)                   range(0, stop)
 *
 * Arguments may be named (`range(1, 10, step=3)`). Returns undefined when the value is not a sweep function.
 */
export type SweepFunction = 'choice' | 'range';

export function parseSweepFunction(raw: string, valueText: string): { name: SweepFunction; values: OverrideValue[] } | undefined {
  const match = /^\s*(choice|range)\s*\(([\s\S]*)\)\s*$/.exec(valueText);
  if (!match) return undefined;
  const name = match[1] as SweepFunction;
  const fail = (detail: string, fix: string): never => {
    throw new UsageError(`override '${raw}': ${detail}. ${fix}`);
  };
  let args: OverrideValue[];
  try {
    args = match[2].trim() === '' ? [] : parseOverrideValue(match[2]);
  } catch (error) {
    if (!(error instanceof OverrideSyntaxError)) throw error;
    return fail(`the arguments of ${name}(…) are not valid: ${error.detail}`, `Write ${name}(a, b, …) with values as in key=value.`);
  }
  if (name === 'choice') {
    if (args.length === 0) fail('choice() has no values', 'Give it at least one: choice(a, b).');
    return { name, values: args };
  }
  return { name, values: rangeValues(namedRangeArguments(args, fail), fail) };
}

type Fail = (detail: string, fix: string) => never;

const RANGE_PARAMETERS = ['start', 'stop', 'step'] as const;

/** start, stop, step from positional and `name=value` arguments, as Python binds them. */
function namedRangeArguments(args: OverrideValue[], fail: Fail): { start: number; stop: number; step: number } {
  const bound: Partial<Record<(typeof RANGE_PARAMETERS)[number], OverrideValue>> = {};
  let positional = 0;
  for (const arg of args) {
    const named = typeof arg === 'string' ? /^\s*(start|stop|step)\s*=\s*(.*)$/.exec(arg) : null;
    if (named) {
      const key = named[1] as (typeof RANGE_PARAMETERS)[number];
      if (key in bound) fail(`range(…) is given ${key} twice`, 'Give each of start, stop, step once.');
      bound[key] = typePrimitive(named[2].trim());
    } else {
      if (Object.keys(bound).length > positional) fail('range(…) has a positional argument after a named one', 'Write the positional arguments first: range(1, 10, step=2).');
      if (positional >= RANGE_PARAMETERS.length) fail(`range(…) takes at most 3 arguments, got ${args.length}`, 'Write range(start, stop, step).');
      bound[RANGE_PARAMETERS[positional++]] = arg;
    }
  }
  // range(n) is range(0, n), as Python's and Hydra's.
  if (bound.stop === undefined && bound.start !== undefined && positional === 1) [bound.start, bound.stop] = [0, bound.start];
  for (const key of RANGE_PARAMETERS) {
    const value = key === 'step' ? (bound.step ?? 1) : bound[key];
    if (value === undefined) fail(`range(…) needs a ${key}`, 'Write range(start, stop) or range(start, stop, step).');
    if (typeof value !== 'number' || !Number.isFinite(value)) fail(`range(…) needs a finite number for ${key}, got ${JSON.stringify(value)}`, 'Give start, stop and step as ints or floats.');
  }
  return { start: bound.start as number, stop: bound.stop as number, step: (bound.step ?? 1) as number };
}

/**
 * The values of range(start, stop, step), as Hydra makes them. Integers are Python's `range`. Floats go through
 * Hydra's FloatRange (hydra/core/override_parser/types.py): each float is turned into a `decimal.Decimal`
 * exactly, `start += step` is summed in decimal at the default context (28 significant digits, half-even), and
 * every value is turned back into the nearest float. So `range(0, 1, 0.1)` holds 0.3 where repeated float
 * addition gives 0.30000000000000004 (and where the exact sum is a tie that rounds up). Both are done here in BigInt.
 */
function rangeValues({ start, stop, step }: { start: number; stop: number; step: number }, fail: Fail): number[] {
  const text = `range(${start}, ${stop}, ${step})`;
  if (step === 0) fail(`${text} has step 0, which never reaches stop`, 'Use a positive step (start < stop) or a negative one (start > stop).');
  const values: number[] = [];
  const [end, increment] = [toDecimal(stop), toDecimal(step)];
  for (let n = toDecimal(start); step > 0 ? compare(n, end) < 0 : compare(n, end) > 0; n = roundToContext(add(n, increment))) {
    if (values.length === MAX_SWEEP_JOBS) fail(`${text} has more than ${MAX_SWEEP_JOBS} values`, `A sweep runs at most ${MAX_SWEEP_JOBS} jobs; use a larger step or a shorter range.`);
    values.push(toNumber(n));
  }
  if (values.length === 0) {
    fail(`${text} is empty: stop is exclusive, and from ${start} a ${step > 0 ? 'positive' : 'negative'} step never gets ${step > 0 ? 'below' : 'above'} ${stop}`, `Give start ${step > 0 ? '<' : '>'} stop, or a step of the other sign.`);
  }
  return values;
}

/** A decimal number c · 10^q, as Python's Decimal holds it. */
interface Decimal {
  readonly c: bigint;
  readonly q: number;
}

/** Decimal(x) of a double: exact. A double is m · 2^e, and for e < 0 that is m · 5^-e · 10^e. */
function toDecimal(x: number): Decimal {
  if (x === 0) return { c: 0n, q: 0 };
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const exponent = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  const m = (exponent === 0 ? fraction : fraction | (1n << 52n)) * (bits >> 63n ? -1n : 1n);
  const e = exponent === 0 ? -1074 : exponent - 1075;
  return e >= 0 ? { c: m << BigInt(e), q: 0 } : { c: m * 5n ** BigInt(-e), q: e };
}

function aligned(a: Decimal, b: Decimal): [bigint, bigint, number] {
  const q = Math.min(a.q, b.q);
  return [a.c * 10n ** BigInt(a.q - q), b.c * 10n ** BigInt(b.q - q), q];
}

function add(a: Decimal, b: Decimal): Decimal {
  const [x, y, q] = aligned(a, b);
  return { c: x + y, q };
}

function compare(a: Decimal, b: Decimal): number {
  const [x, y] = aligned(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Round to Python's default decimal context: 28 significant digits, ROUND_HALF_EVEN. */
function roundToContext(d: Decimal): Decimal {
  const magnitude = d.c < 0n ? -d.c : d.c;
  const drop = magnitude.toString().length - 28;
  if (drop <= 0) return d;
  const unit = 10n ** BigInt(drop);
  let kept = magnitude / unit;
  const rest = magnitude % unit;
  if (2n * rest > unit || (2n * rest === unit && kept % 2n === 1n)) kept += 1n;
  return { c: d.c < 0n ? -kept : kept, q: d.q + drop };
}

/** float(Decimal): the nearest double, found in BigInt (a 64-bit quotient with a sticky bit rounds exactly once). */
function toNumber(d: Decimal): number {
  if (d.q >= 0) return Number(d.c * 10n ** BigInt(d.q));
  const magnitude = d.c < 0n ? -d.c : d.c;
  const divisor = 10n ** BigInt(-d.q);
  // Scale so the quotient has at least 66 bits: Number() then rounds it to 53 with the sticky bit deciding ties.
  const shift = Math.max(0, 66 - (magnitude.toString(2).length - divisor.toString(2).length));
  const scaled = magnitude << BigInt(shift);
  let quotient = scaled / divisor;
  if (scaled % divisor !== 0n) quotient |= 1n;
  const half = Math.trunc(shift / 2);
  const value = Number(quotient) / 2 ** half / 2 ** (shift - half);
  return d.c < 0n ? -value : value;
}
