import { z } from 'zod';
import { paritySectionSchema } from '../../parity/parity-config.ts';
import { executorSchema } from '../sweep/executor-config.ts';
import { trainSchema } from './train-schema.ts';

/**
 * The top-level experiment config (spec: specs/config-handshake.md §4). Every object is strict, so a misspelt
 * key is an error with a suggestion rather than a silently ignored setting.
 */

/** A plugin selection: the plugin's registered name and its own params, which the plugin's schema validates. */
export const pluginSectionSchema = z.strictObject({
  name: z.string().min(1),
  params: z.record(z.string(), z.unknown()).default({}),
});
export type PluginSection = z.infer<typeof pluginSectionSchema>;

export const EXPERIMENT_NAME_MAX = 128;

export const configSchema = z.strictObject({
  experiment: z.strictObject({
    // It names files (plots, parity cases, baselines), with suffixes added.
    name: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'Use letters, digits, ".", "_" and "-" (it names files)')
      .max(EXPERIMENT_NAME_MAX, 'Too long: it names files, and a file name may hold 255 bytes'),
    seed: z.int().min(0).max(2 ** 32 - 1),
  }),
  adapter: pluginSectionSchema,
  model: pluginSectionSchema,
  backend: pluginSectionSchema,
  // The do-nothing tracker and the JSON summary are what a run gets when the config does not choose; the
  // choice is still written into the resolved config, so nothing is silently defaulted.
  tracker: pluginSectionSchema.default({ name: 'none', params: {} }),
  reporter: pluginSectionSchema.default({ name: 'json', params: {} }),
  /** Extra plugin modules, relative to the config file that lists them. */
  plugins: z.array(z.string().min(1)).default([]),
  train: trainSchema,
  /** How `tandem parity` compares backends with the reference (src/parity/parity-config.ts); optional. */
  parity: paritySectionSchema.optional(),
  /** Where `tandem run -m` runs a sweep's jobs (src/orchestrator/sweep/executor-config.ts); not part of the hash. */
  executor: executorSchema.default(() => executorSchema.parse({})),
});

export type TandemConfig = z.infer<typeof configSchema>;
