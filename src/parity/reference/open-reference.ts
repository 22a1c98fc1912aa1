import { UsageError } from '../../orchestrator/errors.ts';
import type { FrozenConfig } from '../../orchestrator/frozen-config.ts';
import type { ParitySettings } from '../parity-config.ts';
import { LiveTorchReference } from './live-torch.ts';
import type { Reference } from './reference.ts';

/** The reference `parity.reference` names: the live torch process, or a recorded baseline. */
export async function openReference(settings: ParitySettings, frozen: FrozenConfig): Promise<Reference> {
  if (settings.reference.kind === 'live') {
    const torch = frozen.config.backend.name === 'torch' ? (frozen.config.backend.params as { python?: string }) : {};
    return new LiveTorchReference(torch.python ? { python: torch.python } : {});
  }
  throw new UsageError(`parity.reference is "baseline:${settings.reference.name}", but loading recorded baselines is not implemented yet; use reference: torch`);
}
