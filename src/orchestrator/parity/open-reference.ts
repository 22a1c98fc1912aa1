import { baselineDir, type BaselineIdentity } from '../../parity/baseline/baseline-files.ts';
import { RecordedReference } from '../../parity/baseline/recorded-reference.ts';
import type { ParitySettings } from '../../parity/parity-config.ts';
import { openLiveReference } from '../composition-root.ts';
import type { Reference } from '../../contracts/reference.ts';

export interface ReferenceOptions {
  /** The Python with torch for the live reference (default: the torch backend's). */
  readonly python?: string;
  /** Where `baseline:<name>` is looked up (default baselines/). */
  readonly baselinesRoot?: string;
  /** What a recorded baseline must have been recorded from. */
  readonly identity: BaselineIdentity;
}

/** The reference `parity.reference` names: the live torch process, or a recorded baseline (checked on load). */
export function openReference(settings: ParitySettings, options: ReferenceOptions): Reference {
  if (settings.reference.kind === 'live') return openLiveReference(options.python ? { python: options.python } : {});
  return RecordedReference.load(settings.reference.name, baselineDir(settings.reference.name, options.baselinesRoot), options.identity);
}
