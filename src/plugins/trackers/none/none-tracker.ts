import { z } from 'zod';
import type { Configured, PluginDefinition } from '../../../contracts/plugin.ts';
import type { RunHooks } from '../../../contracts/run-hooks.ts';

/**
 * The tracker that records nothing, like Lightning's DummyLogger: the run always has a tracker, so no code
 * anywhere needs an `if (tracker)`.
 */
export const noneTracker: PluginDefinition<'tracker', Record<string, never>, Configured & RunHooks> = {
  kind: 'tracker',
  name: 'none',
  description: 'Records nothing; the default when a config names no tracker.',
  params: z.strictObject({}),
  create: () => ({ effectiveSettings: () => ({}) }),
};
