import { ParityUsageError } from './errors.ts';

/**
 * Parity selectors: `<experiment>/<backend>/<stage>`, each segment a glob (`*` any run of characters, `?` one
 * character, `{a,b}` alternatives), e.g. `*\/tfjs/gradients`, `quickstart/*\/{forward,loss}`. A case is selected
 * when any selector matches it. The same grammar addresses cases in plans and in tests/torch-parity.
 */
export interface Selector {
  readonly text: string;
  matches(id: string): boolean;
}

export function parseSelector(text: string): Selector {
  const segments = text.split('/');
  if (segments.length !== 3 || segments.some((s) => s === '')) {
    throw new ParityUsageError(`the selector "${text}" must have three non-empty parts, <experiment>/<backend>/<stage>, e.g. "*/tfjs/gradients" or "quickstart/*/*"`);
  }
  const patterns = segments.map((s) => new RegExp(`^${globToRegex(s, text)}$`));
  return {
    text,
    matches(id) {
      const parts = id.split('/');
      return parts.length === 3 && patterns.every((p, i) => p.test(parts[i]));
    },
  };
}

/** Selectors from the command line: repeated and/or comma-separated outside braces; none selects everything. */
export function parseSelectors(texts: readonly string[]): Selector[] {
  const all = texts.flatMap(splitOutsideBraces).map((t) => t.trim()).filter((t) => t !== '');
  return (all.length ? all : ['*/*/*']).map(parseSelector);
}

export function selected(selectors: readonly Selector[], id: string): boolean {
  return selectors.some((s) => s.matches(id));
}

function globToRegex(glob: string, whole: string): string {
  let out = '';
  let inBraces = false;
  for (const ch of glob) {
    if (ch === '*') out += '[^/]*';
    else if (ch === '?') out += '[^/]';
    else if (ch === '{') {
      if (inBraces) throw new ParityUsageError(`the selector "${whole}" nests braces; use one level, e.g. {forward,loss}`);
      inBraces = true;
      out += '(?:';
    } else if (ch === '}') {
      if (!inBraces) throw new ParityUsageError(`the selector "${whole}" closes a brace it never opened`);
      inBraces = false;
      out += ')';
    } else if (ch === ',' && inBraces) out += '|';
    else out += ch.replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  if (inBraces) throw new ParityUsageError(`the selector "${whole}" opens a brace it never closes`);
  return out;
}

function splitOutsideBraces(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '{') depth++;
    if (ch === '}') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  return parts;
}
