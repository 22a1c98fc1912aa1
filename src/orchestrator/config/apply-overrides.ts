import { isDeepStrictEqual } from 'node:util';
import { ConfigError } from '../errors.ts';
import { didYouMean } from '../../util/suggest.ts';
import { requireSingleValue, type Override } from './override.ts';
import { OriginMap, overrideLabel } from './origins.ts';
import { isTree, type Tree } from './tree.ts';

/**
 * Apply value overrides to a composed tree, with Hydra's struct-mode rules (spec: specs/config-handshake.md §3):
 * `key=v` only changes an existing key, `+key=v` only adds a new one, `++key=v` does either, `~key` deletes.
 * Returns a new tree; origins of overridden keys now point at the override.
 */
export function applyOverrides(tree: Tree, origins: OriginMap, overrides: readonly Override[]): Tree {
  let out = structuredClone(tree);
  for (const override of overrides) out = applyOne(out, origins, override);
  return out;
}

function applyOne(tree: Tree, origins: OriginMap, override: Override): Tree {
  const where = { file: overrideLabel(override.raw), keyPath: override.path.join('.') };
  const parentPath = override.path.slice(0, -1);
  const leaf = override.path[override.path.length - 1];
  let parent: Tree = tree;
  for (const [depth, segment] of parentPath.entries()) {
    const next = parent[segment];
    if (next === undefined && (override.kind === 'add' || override.kind === 'force')) parent = parent[segment] = {};
    else if (isTree(next)) parent = next;
    else {
      const reached = override.path.slice(0, depth + 1).join('.');
      throw new ConfigError(
        next === undefined ? `there is no key '${reached}' in the config` : `'${reached}' is a ${describe(next)}, not a section with keys`,
        where,
        next === undefined ? `Add it with +${override.raw}, or check the spelling.${didYouMean(segment, Object.keys(parent))}` : 'Override the whole value instead.',
      );
    }
  }
  const exists = Object.hasOwn(parent, leaf);
  if (override.kind === 'delete') {
    if (!exists) throw new ConfigError(`cannot delete '${where.keyPath}': there is no such key`, where, `Check the spelling.${didYouMean(leaf, Object.keys(parent))}`);
    if (override.values !== undefined && !isDeepStrictEqual(parent[leaf], requireSingleValue(override))) {
      throw new ConfigError(`cannot delete '${where.keyPath}': its value is ${JSON.stringify(parent[leaf])}, not the one given`, where, `Write ~${where.keyPath} to delete it whatever its value.`);
    }
    delete parent[leaf];
    origins.deleteSubtree(override.path);
    return tree;
  }
  const value = requireSingleValue(override);
  if (override.kind === 'set' && !exists) {
    throw new ConfigError(
      `cannot override '${where.keyPath}': there is no such key in the config`,
      where,
      `${didYouMean(leaf, Object.keys(parent)).trim()} To add a new key, write +${override.raw}.`.trim(),
    );
  }
  if (override.kind === 'add' && exists) {
    throw new ConfigError(`cannot add '${where.keyPath}': the key already exists`, where, `To change it write ${override.raw.slice(1)} (or ++${override.raw.slice(1)}).`);
  }
  parent[leaf] = value;
  origins.deleteSubtree(override.path);
  origins.set(override.path, { file: '', override: override.raw });
  return tree;
}

function describe(value: unknown): string {
  if (value === null) return 'null value';
  if (Array.isArray(value)) return 'list';
  return typeof value;
}
