import { baselineDir, type BaselineIdentity } from '../baseline/baseline-files.ts';
import { RecordedReference } from '../baseline/recorded-reference.ts';
import type { ParitySettings } from '../parity-config.ts';
import { LiveTorchReference } from './live-torch.ts';
import type { Reference } from './reference.ts';

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
  if (settings.reference.kind === 'live') return new LiveTorchReference(options.python ? { python: options.python } : {});
  return RecordedReference.load(settings.reference.name, baselineDir(settings.reference.name, options.baselinesRoot), options.identity);
}
