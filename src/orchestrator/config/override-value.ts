import { interpolationEnd } from './interpolation-syntax.ts';

/**
 * The value side of a Hydra override (`key=VALUE`), after Hydra's basic grammar
 * (hydra/grammar/OverrideParser.g4, website/docs/advanced/override_grammar/basic.md):
 *
 *   value     := element (',' element)*        — more than one element is a choice sweep
 *   element   := list | dict | quoted | primitive
 *   primitive := unquoted text, typed as int | float | bool | null | string
 *
 * An interpolation (`${…}`) is kept as text, to be resolved with the config (config/interpolate.ts). The sweep
 * functions `choice(…)` and `range(…)` are read by sweep-functions.ts; other functions (casts, `glob`, `shuffle`)
 * are rejected by name rather than silently read as strings.
 */
export type OverrideValue = null | boolean | number | string | OverrideValue[] | { [key: string]: OverrideValue };

export class OverrideSyntaxError extends Error {
  constructor(
    readonly detail: string,
    /** 0-based offset into the value text. */
    readonly offset: number,
  ) {
    super(detail);
    this.name = 'OverrideSyntaxError';
  }
}

const INT = /^[+-]?(0|[1-9](_?[0-9])*)$/;
const DIGITS = '[0-9](_?[0-9])*';
const POINT_FLOAT = `((${DIGITS})?\\.${DIGITS}|${DIGITS}\\.)`;
const FLOAT = new RegExp(`^[+-]?(${POINT_FLOAT}|(${POINT_FLOAT}|${DIGITS})[eE][+-]?${DIGITS}|inf|nan)$`, 'i');
// Characters that end an unquoted primitive, depending on whether we are inside a list or dict.
const TOP_LEVEL_STOP = new Set([',']);
const NESTED_STOP = new Set([',', ']', '}', ':']);

/** Type an unquoted primitive the way Hydra does: int, float, bool, null, else the trimmed string. */
export function typePrimitive(text: string): OverrideValue {
  if (INT.test(text)) return Number(text.replaceAll('_', ''));
  if (FLOAT.test(text)) {
    const lower = text.toLowerCase().replaceAll('_', '');
    if (lower.endsWith('nan')) return NaN;
    if (lower.endsWith('inf')) return lower.startsWith('-') ? -Infinity : Infinity;
    return Number(lower);
  }
  if (/^(true|false)$/i.test(text)) return text.toLowerCase() === 'true';
  if (/^null$/i.test(text)) return null;
  return text;
}

class ValueParser {
  private pos = 0;
  constructor(private readonly text: string) {}

  /** All top-level elements: one for a plain value, several for a sweep `a,b,c`. */
  parseValue(): OverrideValue[] {
    if (this.text.trim() === '') return [''];
    const elements = [this.parseElement(TOP_LEVEL_STOP)];
    while (this.peek() === ',') {
      this.pos++;
      elements.push(this.parseElement(TOP_LEVEL_STOP));
    }
    this.skipSpace();
    if (this.pos < this.text.length) this.fail(`unexpected '${this.text[this.pos]}'`);
    return elements;
  }

  private parseElement(stop: Set<string>): OverrideValue {
    this.skipSpace();
    const c = this.text[this.pos];
    let value: OverrideValue;
    if (c === '[') value = this.parseList();
    else if (c === '{') value = this.parseDict();
    else if (c === "'" || c === '"') value = this.parseQuoted(c);
    else value = this.parsePrimitive(stop);
    this.skipSpace();
    return value;
  }

  private parseList(): OverrideValue[] {
    this.pos++; // '['
    const items: OverrideValue[] = [];
    this.skipSpace();
    if (this.peek() === ']') {
      this.pos++;
      return items;
    }
    for (;;) {
      items.push(this.parseElement(NESTED_STOP));
      const c = this.text[this.pos];
      this.pos++;
      if (c === ']') return items;
      if (c !== ',') this.fail(c === undefined ? "unclosed list: missing ']'" : `expected ',' or ']' in a list, found '${c}'`, -1);
    }
  }

  private parseDict(): Record<string, OverrideValue> {
    this.pos++; // '{'
    const dict: Record<string, OverrideValue> = {};
    this.skipSpace();
    if (this.peek() === '}') {
      this.pos++;
      return dict;
    }
    for (;;) {
      this.skipSpace();
      const keyStart = this.pos;
      const key = this.parseElement(NESTED_STOP);
      if (typeof key === 'object' && key !== null) this.fail('a dict key must be a plain name, not a list or dict', keyStart - this.pos);
      if (this.text[this.pos] !== ':') this.fail(`expected ':' after dict key '${String(key)}'`);
      this.pos++;
      // defineProperty, not assignment: a key such as `__proto__` is stored as data instead of replacing the prototype.
      Object.defineProperty(dict, String(key), { value: this.parseElement(NESTED_STOP), enumerable: true, writable: true, configurable: true });
      const c = this.text[this.pos];
      this.pos++;
      if (c === '}') return dict;
      if (c !== ',') this.fail(c === undefined ? "unclosed dict: missing '}'" : `expected ',' or '}' in a dict, found '${c}'`, -1);
    }
  }

  private parseQuoted(quote: string): string {
    const start = this.pos;
    this.pos++;
    let out = '';
    while (this.pos < this.text.length) {
      const c = this.text[this.pos++];
      if (c === '\\' && (this.text[this.pos] === quote || this.text[this.pos] === '\\')) out += this.text[this.pos++];
      else if (c === quote) return out;
      else out += c;
    }
    this.pos = start;
    return this.fail(`unterminated ${quote === "'" ? 'single' : 'double'}-quoted string`);
  }

  private parsePrimitive(stop: Set<string>): OverrideValue {
    const start = this.pos;
    let raw = '';
    let interpolated = false;
    while (this.pos < this.text.length) {
      const c = this.text[this.pos];
      if (c === '\\' && this.pos + 1 < this.text.length) {
        // Hydra escapes: `\,` `\[` `\ ` etc. keep the next character literally (and stop it from typing the value).
        raw += `\u0000${this.text[this.pos + 1]}`;
        this.pos += 2;
        continue;
      }
      if (c === '$' && this.text[this.pos + 1] === '{') {
        // An interpolation is one token, commas and braces included (Hydra's lexer); it is resolved with the config.
        raw += this.interpolationToken();
        interpolated = true;
        continue;
      }
      if (stop.has(c) || c === '[' || c === '{' || c === "'" || c === '"') break;
      if (c === '(') this.fail(`functions such as '${raw.trim()}(…)' are not supported (only choice(…) and range(…), as the whole value of a sweep)`);
      raw += c;
      this.pos++;
    }
    const trimmed = raw.trim();
    if (trimmed === '') this.fail(this.pos < this.text.length ? `unexpected '${this.text[this.pos]}'` : 'missing value', start - this.pos);
    if (interpolated || trimmed.includes('\u0000')) return trimmed.replaceAll('\u0000', '');
    return typePrimitive(trimmed);
  }

  /** `${…}` from the current position to its matching `}`, nested interpolations and quoted text included. */
  private interpolationToken(): string {
    const end = interpolationEnd(this.text, this.pos);
    if (end < 0) this.fail("unclosed interpolation: missing '}'");
    const token = this.text.slice(this.pos, end + 1);
    this.pos = end + 1;
    return token;
  }

  private peek(): string | undefined {
    this.skipSpace();
    return this.text[this.pos];
  }

  private skipSpace(): void {
    while (this.text[this.pos] === ' ' || this.text[this.pos] === '\t') this.pos++;
  }

  private fail(detail: string, shift = 0): never {
    throw new OverrideSyntaxError(detail, Math.max(0, this.pos + shift));
  }
}

/** Parse the text after `=`. Returns one element, or several for a sweep. */
export function parseOverrideValue(text: string): OverrideValue[] {
  return new ValueParser(text).parseValue();
}
