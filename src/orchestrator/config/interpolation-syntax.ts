/**
 * The syntax of OmegaConf interpolations inside a config string (spec: specs/config-handshake.md §2.1):
 *
 *   ${a.b.c}            a key, by absolute dotted path (list items as `a.0` or `a[0]`)
 *   ${.b}  ${..b}        a key relative to the section holding the value: `.` is that section, each further `.`
 *                        one level up (OmegaConf's relative interpolation)
 *   ${name:arg,arg}      a resolver call; an argument may itself hold interpolations, or be quoted
 *   \${                  a literal `${` (OmegaConf's escape)
 *
 * Parsing is separate from resolving so that a syntax error is reported whether or not the value is ever read.
 */
export type Segment = string | Interpolation;

export type Interpolation =
  | { readonly kind: 'key'; readonly text: string; readonly key: string }
  | { readonly kind: 'resolver'; readonly text: string; readonly name: string; readonly args: readonly Argument[] };

/** A resolver argument: a quoted string, or segments (text and nested interpolations) to be typed or joined. */
export type Argument = { readonly quoted: string } | { readonly segments: readonly Segment[] };

export class InterpolationSyntaxError extends Error {
  constructor(readonly detail: string) {
    super(detail);
    this.name = 'InterpolationSyntaxError';
  }
}

/** True when `text` holds anything the resolver must look at (an interpolation or an escaped `\${`). */
export function mentionsInterpolation(text: string): boolean {
  return text.includes('${');
}

/**
 * The inverse of resolving for plain data: every literal `${` in a resolved value written back as `\${`, so a
 * config echoed to disk reads back as the same values instead of interpolating again.
 */
export function escapeInterpolations(value: unknown): unknown {
  if (typeof value === 'string') return value.replaceAll('${', '\\${');
  if (Array.isArray(value)) return value.map(escapeInterpolations);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapeInterpolations(v)]));
  return value;
}

// OmegaConf key paths: dotted names (letters, digits, _ and -), list indices as `.0` or `[0]`, optional leading dots.
const KEY = /^\.*([A-Za-z0-9_-]+|\[\d+\])?((\.[A-Za-z0-9_-]+)|(\[\d+\]))*$/;
const RESOLVER_NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/** Split a config string into literal text and interpolations. */
export function parseSegments(text: string): Segment[] {
  const segments: Segment[] = [];
  let literal = '';
  let pos = 0;
  while (pos < text.length) {
    if (text.startsWith('\\${', pos)) {
      literal += '${';
      pos += 3;
    } else if (text.startsWith('${', pos)) {
      const end = closingBrace(text, pos);
      if (literal) segments.push(literal);
      literal = '';
      segments.push(parseInterpolation(text.slice(pos, end + 1)));
      pos = end + 1;
    } else literal += text[pos++];
  }
  if (literal || segments.length === 0) segments.push(literal);
  return segments;
}

/** The index of the `}` closing the `${` at `start`, skipping nested interpolations and quoted text; -1 if none. */
export function interpolationEnd(text: string, start: number): number {
  return scan(text, start, (c, depth) => c === '}' && depth === 0);
}

function closingBrace(text: string, start: number): number {
  const end = interpolationEnd(text, start);
  if (end < 0) throw new InterpolationSyntaxError(`'${text.slice(start)}' opens an interpolation with '\${' that is never closed with '}'`);
  return end;
}

function parseInterpolation(text: string): Interpolation {
  const body = text.slice(2, -1).trim();
  if (body === '') throw new InterpolationSyntaxError(`'${text}' is empty: write a key ('\${train.epochs}') or a resolver ('\${oc.env:HOME}')`);
  const colon = topLevelIndex(body, ':');
  if (colon >= 0) {
    const name = body.slice(0, colon).trim();
    if (!RESOLVER_NAME.test(name)) throw new InterpolationSyntaxError(`'${text}' calls '${name}', which is not a resolver name`);
    return { kind: 'resolver', text, name, args: splitArguments(body.slice(colon + 1)).map(parseArgument) };
  }
  if (body.includes('${')) throw new InterpolationSyntaxError(`'${text}' builds a key out of another interpolation, which is not supported; write the key itself`);
  if (!KEY.test(body)) throw new InterpolationSyntaxError(`'${text}' is not a key: use dotted names of letters, digits, '_' and '-', with optional leading dots`);
  return { kind: 'key', text, key: body };
}

function parseArgument(raw: string): Argument {
  const text = raw.trim();
  const quote = text[0];
  if ((quote === "'" || quote === '"') && text.length >= 2 && text.endsWith(quote)) {
    return { quoted: text.slice(1, -1).replaceAll(`\\${quote}`, quote) };
  }
  return { segments: parseSegments(text) };
}

/** Resolver arguments split on commas that are not inside a nested interpolation or quotes. */
function splitArguments(text: string): string[] {
  if (text.trim() === '') return [];
  const parts: string[] = [];
  let rest = text;
  for (let i = topLevelIndex(rest, ','); i >= 0; i = topLevelIndex(rest, ',')) {
    parts.push(rest.slice(0, i));
    rest = rest.slice(i + 1);
  }
  parts.push(rest);
  return parts;
}

/** The first `char` outside nested `${…}` and quotes, or -1. */
function topLevelIndex(text: string, char: string): number {
  return scan(text, 0, (c, depth) => c === char && depth === 0);
}

/** Walk `text` from `from`, tracking `${…}` nesting and quotes; the first index where `stop` holds, or -1. */
function scan(text: string, from: number, stop: (c: string, depth: number) => boolean): number {
  let depth = 0;
  let quote: string | undefined;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '$' && text[i + 1] === '{') {
      depth++;
      i++;
    } else {
      if (c === '}') depth--;
      if (stop(c, depth)) return i;
    }
  }
  return -1;
}
