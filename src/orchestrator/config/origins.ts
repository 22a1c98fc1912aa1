/**
 * Where each key of a composed config came from, so an error can name the file, line and column the user must
 * edit (or the command-line override that set it).
 */
export interface Origin {
  /** The YAML file, as the user would type its path; empty for overrides. */
  readonly file: string;
  readonly line?: number;
  readonly col?: number;
  /** Set when the key was written by a command-line override: the override as typed. */
  readonly override?: string;
}

export type KeyPath = readonly (string | number)[];

/** `train.optimizer.lr`, `plugins[0]`: the way the spec and the errors write key paths. */
export function formatPath(path: KeyPath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? segment : `.${segment}`;
  }
  return out;
}

/** The origin of every key path, keyed by `formatPath`. */
export class OriginMap {
  private readonly byPath = new Map<string, Origin>();

  set(path: KeyPath, origin: Origin): void {
    this.byPath.set(formatPath(path), origin);
  }

  /** Forget `path` and everything below it: its value was replaced wholesale. */
  deleteSubtree(path: KeyPath): void {
    const prefix = formatPath(path);
    for (const key of [...this.byPath.keys()]) {
      if (key === prefix || key.startsWith(`${prefix}.`) || key.startsWith(`${prefix}[`) || prefix === '') this.byPath.delete(key);
    }
  }

  /** Copy every origin of `other` under `prefix`. */
  graft(prefix: KeyPath, other: OriginMap): void {
    const head = formatPath(prefix);
    for (const [key, origin] of other.byPath) {
      const joined = head === '' ? key : key.startsWith('[') ? `${head}${key}` : `${head}.${key}`;
      this.byPath.set(joined, origin);
    }
  }

  /** The origin of `path`, or of its nearest ancestor that has one (a missing key is reported at its parent). */
  lookup(path: KeyPath): Origin | undefined {
    for (let n = path.length; n >= 0; n--) {
      const origin = this.byPath.get(formatPath(path.slice(0, n)));
      if (origin) return origin;
    }
    return undefined;
  }
}

/** The origin as the `where` of a ConfigError: `file:line:col`, or the override text standing in for a file. */
export function locate(origin: Origin | undefined, fallbackFile: string): { file: string; line?: number; col?: number } {
  if (!origin) return { file: fallbackFile };
  if (origin.override !== undefined) return { file: overrideLabel(origin.override) };
  return { file: origin.file, line: origin.line, col: origin.col };
}

/** `command-line override '<text>'`, the text cut short when it is long: a 5000-character value is not read, only scrolled. */
export function overrideLabel(raw: string): string {
  return `command-line override '${raw.length > 80 ? `${raw.slice(0, 60)}…' (${raw.length} characters)` : `${raw}'`}`;
}
