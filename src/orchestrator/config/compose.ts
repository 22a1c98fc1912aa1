import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../errors.ts';
import { didYouMean } from '../../util/suggest.ts';
import { requireSingleValue, type Override } from './override.ts';
import { locate, OriginMap, overrideLabel, type Origin } from './origins.ts';
import { isTree, mergeTrees, type Tree } from './tree.ts';
import { readYamlFile, type YamlSource } from './yaml-source.ts';

/**
 * Composition after Hydra's Defaults List (spec: specs/config-handshake.md §2). The primary config may start with
 *
 *   defaults:
 *     - backend: onnxruntime     # conf/backend/onnxruntime.yaml, merged under the key `backend`
 *     - _self_                   # where the primary file's own keys merge (last when omitted, as in Hydra 1.1+)
 *
 * Group files live next to the primary config, in `<config dir>/<group>/<option>.yaml`, and fall back to tandem's
 * own `conf/<group>/<option>.yaml`, so a config in any folder can select `backend=tfjs` (Hydra's config search path:
 * the primary config's folder first, then the library's). Command-line overrides
 * whose key is a config group select (`backend=tfjs`), add (`+group=x`) or drop (`~group`) a group entry; every
 * other override is returned for apply-overrides.ts.
 */
export interface ComposedConfig {
  readonly primaryFile: string;
  readonly tree: Tree;
  readonly origins: OriginMap;
  /** The chosen option of each config group, e.g. { backend: 'tfjs' }. */
  readonly choices: Readonly<Record<string, string>>;
  /** Overrides that are not group selections, in command-line order. */
  readonly valueOverrides: readonly Override[];
}

interface GroupEntry {
  group: string;
  option: string;
  /** Where the choice was made: the defaults entry or the override. */
  origin: Origin;
}

export function composeConfig(primaryFile: string, overrides: readonly Override[]): ComposedConfig {
  const primary = readYamlFile(primaryFile);
  const own = primary.value ?? {};
  if (!isTree(own)) throw new ConfigError('must be a YAML mapping of keys to values at the top level', { file: primaryFile }, 'Start the file with `experiment:` or `defaults:`.');
  const searchDirs = searchPath(primaryFile);
  const { groups, selfIndex } = readDefaults(own.defaults, primary);
  const valueOverrides: Override[] = [];
  for (const override of overrides) {
    if (override.path.length === 1 && isGroup(override.path[0], groups, searchDirs)) applyGroupOverride(override, groups, searchDirs);
    else valueOverrides.push(override);
  }

  let tree: Tree = {};
  const origins = new OriginMap();
  const mergeIn = (source: Tree, sourceOrigins: OriginMap, prefix: string[]) => {
    tree = mergeTrees(tree, prefix.length ? nest(prefix, source) : source, (path) => origins.deleteSubtree(path));
    origins.graft(prefix, sourceOrigins);
  };
  const { defaults: _dropped, ...ownKeys } = own;
  const ordered: (GroupEntry | 'self')[] = [...groups];
  ordered.splice(selfIndex ?? ordered.length, 0, 'self');
  for (const entry of ordered) {
    if (entry === 'self') mergeIn(ownKeys, primary.origins, []);
    else {
      const source = readGroupFile(entry, searchDirs);
      mergeIn((source.value ?? {}) as Tree, source.origins, entry.group.split('/'));
    }
  }
  const choices = Object.fromEntries(groups.map((g) => [g.group, g.option]));
  return { primaryFile, tree, origins, choices, valueOverrides };
}

function readDefaults(defaults: unknown, primary: YamlSource): { groups: GroupEntry[]; selfIndex?: number } {
  const groups: GroupEntry[] = [];
  let selfIndex: number | undefined;
  if (defaults === undefined) return { groups };
  const where = (i?: number) => locate(primary.origins.lookup(i === undefined ? ['defaults'] : ['defaults', i]), primary.file);
  if (!Array.isArray(defaults)) throw new ConfigError('`defaults` must be a list', { ...where(), keyPath: 'defaults' }, 'Write it as `defaults:` followed by `- group: option` lines.');
  defaults.forEach((entry, i) => {
    if (entry === '_self_') selfIndex = groups.length;
    else if (isTree(entry) && Object.keys(entry).length === 1) {
      const [group, option] = Object.entries(entry)[0];
      if (group.startsWith('optional ') || group.startsWith('override ')) {
        throw new ConfigError(`the defaults-list keyword '${group.split(' ')[0]}' is not supported`, { ...where(i), keyPath: `defaults[${i}]` }, 'Write `- group: option`.');
      }
      // `- group: null` is Hydra's way of saying "no option from this group".
      if (option !== null) groups.push({ group, option: String(option), origin: primary.origins.lookup(['defaults', i]) ?? { file: primary.file } });
    } else {
      throw new ConfigError('a defaults entry must be `- group: option` or `- _self_`', { ...where(i), keyPath: `defaults[${i}]` }, 'Config files other than group options cannot be included by name.');
    }
  });
  return { groups, selfIndex };
}

/** tandem's own config folder, the last place a config group is looked for. */
const TANDEM_CONF = fileURLToPath(new URL('../../../conf', import.meta.url));

/** Where group options are looked for, first match wins: beside the primary config, then tandem's own conf/. */
type SearchPath = readonly string[];

function searchPath(primaryFile: string): SearchPath {
  const own = resolve(dirname(primaryFile));
  return own === TANDEM_CONF ? [own] : [own, TANDEM_CONF];
}

function isGroup(key: string, groups: GroupEntry[], searchDirs: SearchPath): boolean {
  if (groups.some((g) => g.group === key)) return true;
  return searchDirs.some((base) => {
    const dir = join(base, key);
    return existsSync(dir) && statSync(dir).isDirectory();
  });
}

function applyGroupOverride(override: Override, groups: GroupEntry[], searchDirs: SearchPath): void {
  const group = override.path[0];
  const index = groups.findIndex((g) => g.group === group);
  const origin: Origin = { file: '', override: override.raw };
  if (override.kind === 'delete') {
    if (index < 0) throw new ConfigError(`cannot remove config group '${group}': it is not in the defaults list`, { file: overrideLabel(override.raw) }, 'Drop this override.');
    groups.splice(index, 1);
    return;
  }
  const option = requireSingleValue(override);
  if (typeof option !== 'string' || option === '') {
    throw new ConfigError(`config group '${group}' needs an option name, got ${JSON.stringify(option)}`, { file: overrideLabel(override.raw) }, `Choose one of: ${listOptions(group, searchDirs).join(', ')}.`);
  }
  if (override.kind === 'add' && index >= 0) {
    throw new ConfigError(`config group '${group}' is already in the defaults list`, { file: overrideLabel(override.raw) }, `Select an option with ${group}=${option} (no '+').`);
  }
  if (override.kind === 'set' && index < 0) {
    throw new ConfigError(`config group '${group}' is not in the defaults list`, { file: overrideLabel(override.raw) }, `Add it with +${group}=${option}.`);
  }
  if (index >= 0) groups[index] = { group, option, origin };
  else groups.push({ group, option, origin });
}

function readGroupFile(entry: GroupEntry, searchDirs: SearchPath): YamlSource {
  // Options are chosen before interpolations resolve (they decide which files make the config), so one cannot be one.
  if (entry.option.includes('${')) {
    throw new ConfigError(
      `config group '${entry.group}' is chosen by the interpolation '${entry.option}', which is not supported: options are chosen before the config exists`,
      { ...locate(entry.origin, ''), keyPath: entry.group },
      `Name the option itself (${entry.group}=${listOptions(entry.group, searchDirs)[0] ?? '<option>'}).`,
    );
  }
  const candidates = searchDirs.map((base) => join(base, entry.group, `${entry.option}.yaml`));
  const file = candidates.find((candidate) => existsSync(candidate));
  if (file === undefined) {
    const options = listOptions(entry.group, searchDirs);
    const choices = options.length ? `Valid options: ${options.join(', ')}.` : `There is no directory ${join(searchDirs[0], entry.group)}/ with options.`;
    throw new ConfigError(
      `config group '${entry.group}' has no option '${entry.option}' (looked for ${candidates.join(' and ')})`,
      { ...locate(entry.origin, ''), keyPath: entry.group },
      `${choices}${didYouMean(entry.option, options)}`,
    );
  }
  const source = readYamlFile(file, `config group file`);
  if (source.value !== null && !isTree(source.value)) throw new ConfigError('a config group file must be a YAML mapping', { file }, 'Write the keys of this option at the top level.');
  if (isTree(source.value) && 'defaults' in source.value) {
    throw new ConfigError('defaults lists inside config group files are not supported', { ...locate(source.origins.lookup(['defaults']), file), keyPath: 'defaults' }, 'Move the entry into the primary config.');
  }
  return source;
}

function listOptions(group: string, searchDirs: SearchPath): string[] {
  const options = searchDirs.flatMap((base) => {
    const dir = join(base, group);
    return existsSync(dir) ? readdirSync(dir).filter((name) => name.endsWith('.yaml')).map((name) => name.slice(0, -'.yaml'.length)) : [];
  });
  return [...new Set(options)].sort();
}

function nest(prefix: string[], value: Tree): Tree {
  return prefix.reduceRight<Tree>((inner, key) => ({ [key]: inner }), value);
}
