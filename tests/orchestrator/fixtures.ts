import { z } from 'zod';
import type { Configured, PluginDefinition } from '../../src/contracts/plugin.ts';
import { jsonReporter } from '../../src/plugins/reporters/json/json-reporter.ts';
import { noneTracker } from '../../src/plugins/trackers/none/none-tracker.ts';

/** A valid experiment config as YAML text; `extra` lines are appended (later keys override nothing: use it to add). */
export function experimentYaml(sections: Partial<Record<'adapter' | 'model' | 'backend' | 'train', string>> = {}, extra = ''): string {
  return [
    'experiment:',
    '  name: demo',
    '  seed: 7',
    sections.adapter ?? 'adapter:\n  name: memory\n  params:\n    samples: 8',
    sections.model ?? 'model:\n  name: dense\n  params:\n    width: 4',
    sections.backend ?? 'backend:\n  name: reference',
    sections.train ?? 'train:\n  epochs: 2\n  batch_size: 4\n  optimizer:\n    name: sgd\n    lr: 0.1',
    extra,
  ].join('\n');
}

/** A plugin that reports back exactly what it was given, plus a derived value (allowed by the read-back rule). */
function honest<K extends 'adapter' | 'model' | 'backend'>(kind: K, name: string, params: z.ZodType): PluginDefinition<K> {
  return {
    kind,
    name,
    description: `test ${kind}`,
    params,
    create: (p: Record<string, unknown>): Configured => ({ effectiveSettings: () => ({ ...p, derived: 'ok' }) }),
  };
}

export const testPlugins: PluginDefinition[] = [
  honest('adapter', 'memory', z.strictObject({ samples: z.int().positive(), shuffle: z.boolean().default(true) })),
  honest('model', 'dense', z.strictObject({ width: z.int().positive(), depth: z.int().positive().default(2) })),
  honest('model', 'conv', z.strictObject({})),
  honest('backend', 'reference', z.strictObject({})),
  noneTracker,
  jsonReporter,
];
