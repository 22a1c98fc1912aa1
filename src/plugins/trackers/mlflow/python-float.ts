/**
 * A number written the way Python's `str(float)` writes it, because the folder store's metric lines are produced
 * by `"%s %s %s" % (timestamp, value, step)` in MLflow: `1.0` not `1`, `1e-05` not `0.00001`, `nan`, `inf`.
 * Python switches to exponent notation when the decimal exponent is below -4 or above 15 (float_repr_style
 * 'short'); JavaScript switches at -7 and 21, so the two differ in between.
 */
export function pythonFloat(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  if (Object.is(value, -0)) return '-0.0';
  // toExponential() without an argument gives the shortest digits that round-trip, as Python's repr does.
  const [mantissa, exp] = value.toExponential().split('e') as [string, string];
  const exponent = Number(exp);
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  const sign = negative ? '-' : '';
  if (exponent < -4 || exponent > 15) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
  const fraction = digits.slice(exponent + 1);
  return `${sign}${whole}.${fraction || '0'}`;
}
