/** Plain-object helpers for the config tree (a JSON-like value read from YAML). */
export type Tree = Record<string, unknown>;

export function isTree(value: unknown): value is Tree {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Merge `source` into `target` the way OmegaConf merges configs: mappings merge key by key, anything else
 * (scalars, lists) replaces. Returns the merged tree; neither input is mutated. `onReplace` is told about every
 * path whose value came from `source`, so the caller can move origins along.
 */
export function mergeTrees(target: Tree, source: Tree, onReplace: (path: string[]) => void, path: string[] = []): Tree {
  const out: Tree = { ...target };
  for (const [key, value] of Object.entries(source)) {
    const here = [...path, key];
    const existing = out[key];
    if (isTree(existing) && isTree(value)) out[key] = mergeTrees(existing, value, onReplace, here);
    else {
      out[key] = value;
      onReplace(here);
    }
  }
  return out;
}
