import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { baselineDir, type BaselineIdentity } from '../../parity/baseline/baseline-files.ts';
import { RecordedReference } from '../../parity/baseline/recorded-reference.ts';
import type { ModuleReferenceSetting, ParitySettings } from '../../parity/parity-config.ts';
import { openLiveReference, openModuleReference } from '../composition-root.ts';
import type { Reference } from '../../contracts/reference.ts';
import { ConfigError } from '../errors.ts';

export interface ReferenceOptions {
  /** The Python with torch for the live reference (default: the torch backend's). */
  readonly python?: string;
  /** Where `baseline:<name>` is looked up (default baselines/). */
  readonly baselinesRoot?: string;
  /** What a recorded baseline must have been recorded from. */
  readonly identity: BaselineIdentity;
}

/**
 * The reference `parity.reference` names: the live torch process, the user's own nn.Module (paths relative to
 * the config file), or a recorded baseline (checked on load).
 */
export function openReference(settings: ParitySettings, options: ReferenceOptions): Reference {
  const python = options.python ? { python: options.python } : {};
  const r = settings.reference;
  if (r.kind === 'live' && r.name === 'torch-module') return openModuleReferenceOf(r as ModuleReferenceSetting, options.identity.configFile, python);
  if (r.kind === 'live') return openLiveReference(python);
  return RecordedReference.load(r.name, baselineDir(r.name, options.baselinesRoot), options.identity);
}

function openModuleReferenceOf(r: ModuleReferenceSetting, configFile: string, python: { python?: string }): Reference {
  const base = dirname(resolve(configFile));
  const file = resolve(base, r.file);
  if (!existsSync(file)) {
    throw new ConfigError(`the module file "${r.file}" does not exist (looked for ${file})`, { file: configFile, keyPath: 'parity.reference' }, 'The path in torch-module:<file>:<factory> is relative to the config file.');
  }
  const map = r.weightsMap;
  return openModuleReference({
    file,
    callable: r.callable,
    label: `torch-module:${r.file}:${r.callable}`,
    ...(map ? { weightsMap: { path: resolve(base, map), label: map } } : {}),
    ...python,
  });
}
