import { didYouMean } from './suggest.ts';

/**
 * Definitions a config selects by name — the plugins of one kind, the loss kinds — held the one way: a list with
 * unique names, looked up by name, and one wording for a name that is not there, so every "unknown …" error
 * reads the same: `unknown loss kind 'msee'` with the hint `Registered loss kinds: mse, l1, …. Did you mean 'mse'?`.
 */
export class NamedRegistry<D extends { readonly name: string }> {
  private readonly byName = new Map<string, D>();

  /**
   * `what` names one entry in messages ("backend plugin", "loss kind"). A repeated name is refused with
   * `duplicate(name)`, or a plain Error when the caller has no better one.
   */
  constructor(
    readonly what: string,
    definitions: Iterable<D>,
    duplicate: (name: string) => Error = (name) => new Error(`two ${what}s are named '${name}'; names must be unique`),
  ) {
    for (const definition of definitions) {
      if (this.byName.has(definition.name)) throw duplicate(definition.name);
      this.byName.set(definition.name, definition);
    }
  }

  get(name: string): D | undefined {
    return this.byName.get(name);
  }

  all(): D[] {
    return [...this.byName.values()];
  }

  /** The names, in the order they were listed. */
  names(): string[] {
    return [...this.byName.keys()];
  }

  /** The sentence for a name that is not registered. */
  unknownMessage(name: string): string {
    return `unknown ${this.what} '${name}'`;
  }

  /** What to do about it: every registered name, and the closest one when it looks like a typo. */
  unknownHint(name: string): string {
    const names = this.names();
    return `Registered ${this.what}s: ${names.join(', ') || '(none)'}.${didYouMean(name, names)}`;
  }
}
