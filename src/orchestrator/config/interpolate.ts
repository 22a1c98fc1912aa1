import { ConfigError } from '../errors.ts';
import { didYouMean } from '../../util/suggest.ts';
import { InterpolationSyntaxError, mentionsInterpolation, parseSegments, type Argument, type Interpolation, type Segment } from './interpolation-syntax.ts';
import { formatPath, locate, type KeyPath, type OriginMap } from './origins.ts';
import { parseOverrideValue, typePrimitive } from './override-value.ts';
import { isTree, type Tree } from './tree.ts';

/**
 * Resolve OmegaConf interpolations in a composed, overridden config tree (spec: specs/config-handshake.md §2.1).
 * It runs after the command-line overrides and before validation, so the schema checks, the FrozenConfig and its
 * hash all see resolved values, and an override changes every value that refers to the key it sets.
 *
 * - A value that is exactly one interpolation takes the referenced value with its type (a number stays a number,
 *   a section stays a section); text around or between interpolations makes a string.
 * - Referenced values are resolved first, so chains work; a chain that comes back to itself is a cycle error.
 * - Resolvers: `oc.env:VAR[,default]` (a string, as OmegaConf: the default is written as a string, `null` stays
 *   null) and `oc.decode:text` (types a string as an override value: `${oc.decode:${oc.env:EPOCHS,3}}` is 3).
 */
export interface InterpolationContext {
  readonly origins: OriginMap;
  /** Blamed when a key has no recorded origin. */
  readonly primaryFile: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export function resolveInterpolations(tree: Tree, context: InterpolationContext): Tree {
  return new Resolver(tree, context).resolveAll();
}

const RESOLVERS = ['oc.env', 'oc.decode'];

class Resolver {
  /** Resolved values by formatted key path, so a value referred to many times is resolved once. */
  private readonly done = new Map<string, unknown>();
  /** The keys being resolved right now, in order: a key met again here closes a cycle. */
  private readonly active: KeyPath[] = [];
  private readonly env: Readonly<Record<string, string | undefined>>;

  constructor(
    private readonly raw: Tree,
    private readonly context: InterpolationContext,
  ) {
    this.env = context.env ?? process.env;
  }

  resolveAll(): Tree {
    return this.resolveAt([]) as Tree;
  }

  private resolveAt(path: KeyPath): unknown {
    const id = formatPath(path);
    if (this.done.has(id)) return this.done.get(id);
    if (this.active.some((p) => formatPath(p) === id)) {
      const start = this.active.findIndex((p) => formatPath(p) === id);
      const chain = [...this.active.slice(start), path].map(formatPath).join(' → ');
      throw this.error(path, `interpolations form a cycle: ${chain}`, 'Make one of these keys a value instead of a reference.');
    }
    this.active.push(path);
    const raw = this.rawAt(path);
    let value: unknown;
    if (typeof raw === 'string' && mentionsInterpolation(raw)) value = this.resolveString(raw, path);
    else if (Array.isArray(raw)) value = raw.map((_, i) => this.resolveAt([...path, i]));
    else if (isTree(raw)) value = Object.fromEntries(Object.keys(raw).map((k) => [k, this.resolveAt([...path, k])]));
    else value = raw;
    this.active.pop();
    this.done.set(id, value);
    return value;
  }

  /** The unresolved value at `path`; `path` is known to exist (callers find it through `lookup`). */
  private rawAt(path: KeyPath): unknown {
    let node: unknown = this.raw;
    for (const segment of path) node = (node as Record<string | number, unknown>)[segment];
    return node;
  }

  private resolveString(text: string, path: KeyPath): unknown {
    let segments: Segment[];
    try {
      segments = parseSegments(text);
    } catch (error) {
      if (!(error instanceof InterpolationSyntaxError)) throw error;
      throw this.error(path, `the value ${JSON.stringify(text)} has a malformed interpolation: ${error.detail}`, "Fix the interpolation, or write '\\${' for a literal '${'.");
    }
    return this.join(segments, path);
  }

  /** One interpolation alone keeps its type; anything else is joined into a string. */
  private join(segments: readonly Segment[], path: KeyPath): unknown {
    if (segments.length === 1 && typeof segments[0] !== 'string') return this.evaluate(segments[0], path);
    return segments
      .map((segment) => {
        if (typeof segment === 'string') return segment;
        const value = this.evaluate(segment, path);
        if (typeof value === 'object' && value !== null) {
          throw this.error(path, `${segment.text} is a ${Array.isArray(value) ? 'list' : 'section'} and cannot be part of a string`, `Make the value exactly '${segment.text}' to use the ${Array.isArray(value) ? 'list' : 'section'} itself.`);
        }
        return String(value);
      })
      .join('');
  }

  private evaluate(interpolation: Interpolation, path: KeyPath): unknown {
    if (interpolation.kind === 'key') return structuredClone(this.lookup(interpolation.key, interpolation.text, path));
    const args = interpolation.args.map((arg) => this.argument(arg, path));
    switch (interpolation.name) {
      case 'oc.env':
        return this.envVar(interpolation.text, args, path);
      case 'oc.decode':
        return this.decode(interpolation.text, args, path);
      default:
        throw this.error(path, `${interpolation.text} calls the resolver '${interpolation.name}', which tandem does not have`, `Use one of: ${RESOLVERS.join(', ')}.${didYouMean(interpolation.name, RESOLVERS)}`);
    }
  }

  /** Resolver arguments are typed as OmegaConf types them: quoted text is a string, bare text an int/float/bool/null/string. */
  private argument(arg: Argument, path: KeyPath): unknown {
    if ('quoted' in arg) return arg.quoted;
    const [only] = arg.segments;
    if (arg.segments.length === 1 && typeof only === 'string') return typePrimitive(only.trim());
    return this.join(arg.segments, path);
  }

  private envVar(text: string, args: unknown[], path: KeyPath): unknown {
    const [name, ...rest] = args;
    if (typeof name !== 'string' || name === '' || rest.length > 1) {
      throw this.error(path, `${text} needs the name of one environment variable and at most one default`, 'Write ${oc.env:VAR} or ${oc.env:VAR,default}.');
    }
    const value = this.env[name];
    if (value !== undefined) return value;
    if (rest.length === 0) throw this.error(path, `${text} reads the environment variable ${name}, which is not set`, `Set it (export ${name}=…), or give a default: \${oc.env:${name},<default>}.`);
    // OmegaConf's oc.env returns strings only: the default is written as a string, except null.
    return rest[0] === null ? null : String(rest[0]);
  }

  private decode(text: string, args: unknown[], path: KeyPath): unknown {
    if (args.length !== 1 || (typeof args[0] !== 'string' && args[0] !== null)) {
      throw this.error(path, `${text} takes one string to decode`, 'Write ${oc.decode:${oc.env:VAR}}.');
    }
    if (args[0] === null) return null;
    try {
      const values = parseOverrideValue(args[0]);
      if (values.length === 1) return values[0];
    } catch {
      // Reported below with the text that failed.
    }
    throw this.error(path, `${text} cannot decode ${JSON.stringify(args[0])} as one value`, 'Give it a number, true/false, null, a [list], a {dict} or a quoted string.');
  }

  /** The resolved value an interpolation's key names; a missing key is an error that says which part is missing. */
  private lookup(key: string, text: string, from: KeyPath): unknown {
    const dots = key.length - key.replace(/^\.+/, '').length;
    // A relative key starts from the section holding the value; each dot after the first climbs one level.
    const section = from.slice(0, -1);
    if (dots - 1 > section.length) {
      throw this.error(from, `${text} climbs ${dots - 1} level(s) above the section '${formatPath(section) || '(top level)'}', past the top of the config`, 'Use fewer dots, or write the absolute dotted path.');
    }
    const target: (string | number)[] = dots === 0 ? [] : section.slice(0, section.length - (dots - 1));
    let node: unknown = this.rawAt(target);
    // Once the walk passes through a value that is itself an interpolation, it continues in what that resolved to.
    let resolved = false;
    for (const name of key.slice(dots).match(/[^.[\]]+/g) ?? []) {
      if (Array.isArray(node) && /^\d+$/.test(name) && Number(name) < node.length) target.push(Number(name));
      else if (isTree(node) && Object.hasOwn(node, name)) target.push(name);
      else {
        const where = formatPath(target);
        throw this.error(
          from,
          `${text} refers to '${formatPath([...target, name])}', which is not in the config${where ? ` ('${where}' has no key '${name}')` : ''}`,
          `Check the spelling.${didYouMean(name, isTree(node) ? Object.keys(node) : [])} A key is an absolute dotted path (train.epochs); .key names a key of the same section, ..key one of the section above.`,
        );
      }
      node = (node as Record<string | number, unknown>)[target[target.length - 1]];
      if (!resolved && typeof node === 'string' && mentionsInterpolation(node)) {
        node = this.resolveAt(target);
        resolved = true;
      }
    }
    return resolved ? node : this.resolveAt(target);
  }

  private error(path: KeyPath, problem: string, fix: string): ConfigError {
    return new ConfigError(problem, { ...locate(this.context.origins.lookup(path), this.context.primaryFile), keyPath: formatPath(path) || undefined }, fix);
  }
}
