import { typePrimitive, type OverrideValue } from '../config/override-value.ts';

/**
 * Write one parsed override element back as override text, so that parsing the text gives the same value
 * (spec: specs/sweeps.md §1). A sweep `lr=1e-3,3e-4` becomes the jobs' single-valued `lr=0.001` and `lr=0.0003`:
 * the job's override list is then an ordinary list of single runs, recorded and re-run as typed.
 */
export function formatOverrideValue(value: OverrideValue): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'string') return formatString(value);
  if (Array.isArray(value)) return `[${value.map(formatOverrideValue).join(', ')}]`;
  return `{${Object.entries(value)
    .map(([k, v]) => `${formatString(k)}: ${formatOverrideValue(v)}`)
    .join(', ')}}`;
}

function formatNumber(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  // An integral float prints as an int ("3"): the parsed number is the same either way.
  return String(n);
}

// Characters the value grammar treats as structure; a string holding any of them is quoted.
const SPECIAL = /[,[\]{}:'"\\()]|\$\{|^\s|\s$/;

function formatString(s: string): string {
  // Bare when it reads back as this same string (not a number, bool or null, nothing structural, not empty).
  if (s !== '' && !SPECIAL.test(s) && typePrimitive(s) === s) return s;
  return `'${s.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}
