import { z } from 'zod';
import { parseOptions } from '../options-error.ts';

/*
 * Option schemas of every LR schedule. Keys are torch's keyword arguments, so the PyTorch reference can pass
 * them through unchanged; defaults are torch's.
 */

const gamma = z.number().positive({ message: 'gamma must be > 0' });
const epochCount = z.number().int().positive();

export const constantOptions = z.strictObject({ name: z.literal('constant') });

export const exponentialOptions = z.strictObject({ name: z.literal('exponential'), gamma });

export const stepOptions = z.strictObject({ name: z.literal('step'), step_size: epochCount, gamma: gamma.default(0.1) });

export const multiStepOptions = z.strictObject({
  name: z.literal('multistep'),
  milestones: z
    .array(z.number().int().nonnegative())
    .min(1)
    .refine((m) => m.every((v, i) => i === 0 || v >= m[i - 1]), { message: 'milestones must be in increasing order' }),
  gamma: gamma.default(0.1),
});

export const cosineOptions = z.strictObject({
  name: z.literal('cosine'),
  T_max: z.number().positive({ message: 'T_max must be > 0' }),
  eta_min: z.number().nonnegative().default(0),
});

export const linearOptions = z.strictObject({
  name: z.literal('linear'),
  // torch accepts 0 but then divides by zero on its second step, so tandem asks for a positive factor.
  start_factor: z.number().gt(0, { message: 'start_factor must be in (0, 1]' }).lte(1, { message: 'start_factor must be in (0, 1]' }).default(1 / 3),
  end_factor: z.number().min(0).max(1).default(1),
  total_iters: epochCount.default(5),
});

/** Children are validated one by one afterwards (see parseScheduleOptions), so their errors name their index. */
export const sequentialOptions = z.strictObject({
  name: z.literal('sequential'),
  schedules: z.array(z.unknown()).min(2),
  milestones: z.array(epochCount).min(1),
});

export const plateauOptions = z.strictObject({
  name: z.literal('plateau'),
  mode: z.enum(['min', 'max']).default('min'),
  factor: z.number().positive().lt(1, { message: 'factor must be < 1' }).default(0.1),
  patience: z.number().int().nonnegative().default(10),
  threshold: z.number().nonnegative().default(1e-4),
  threshold_mode: z.enum(['rel', 'abs']).default('rel'),
  cooldown: z.number().int().nonnegative().default(0),
  min_lr: z.number().nonnegative().default(0),
  eps: z.number().nonnegative().default(1e-8),
});

export const SCHEDULE_SCHEMAS = {
  constant: constantOptions,
  exponential: exponentialOptions,
  step: stepOptions,
  multistep: multiStepOptions,
  cosine: cosineOptions,
  linear: linearOptions,
  sequential: sequentialOptions,
  plateau: plateauOptions,
} as const;

export type ScheduleName = keyof typeof SCHEDULE_SCHEMAS;
type Parsed<K extends ScheduleName> = z.output<(typeof SCHEDULE_SCHEMAS)[K]>;
/** The schedules SequentialLR can chain: every torch `_LRScheduler` port (not ReduceLROnPlateau, as in torch). */
export type ChainableOptions = Parsed<'constant' | 'exponential' | 'step' | 'multistep' | 'cosine' | 'linear'>;
export interface SequentialOptions {
  readonly name: 'sequential';
  readonly schedules: readonly ChainableOptions[];
  readonly milestones: readonly number[];
}
export type ScheduleOptions = ChainableOptions | SequentialOptions | Parsed<'plateau'>;

/** Validates a schedule section (`{ name: 'cosine', T_max: 100 }`); errors name the bad key and the valid ones. */
export function parseScheduleOptions(raw: unknown, section = 'lr schedule'): ScheduleOptions {
  const name = typeof raw === 'object' && raw !== null ? (raw as { name?: unknown }).name : undefined;
  const names = Object.keys(SCHEDULE_SCHEMAS);
  if (typeof name !== 'string' || !(name in SCHEDULE_SCHEMAS)) {
    throw new Error(`${section}: unknown schedule ${JSON.stringify(name)}; "name" must be one of ${names.join(', ')}`);
  }
  const schema = SCHEDULE_SCHEMAS[name as ScheduleName];
  const parsed = parseOptions(`${section} "${name}"`, schema, raw, Object.keys(schema.shape));
  if (parsed.name !== 'sequential') return parsed as ScheduleOptions;
  const schedules = parsed.schedules.map((child, i) => {
    const where = `${section} "sequential".schedules[${i}]`;
    const c = parseScheduleOptions(child, where);
    if (c.name === 'sequential' || c.name === 'plateau') {
      throw new Error(`${where}: "${c.name}" cannot be chained inside "sequential" (torch's SequentialLR cannot either); use one of constant, exponential, step, multistep, cosine, linear`);
    }
    return c;
  });
  if (parsed.milestones.length !== schedules.length - 1) {
    throw new Error(`${section} "sequential": needs one milestone fewer than schedules; got ${schedules.length} schedules and ${parsed.milestones.length} milestones`);
  }
  return { name: 'sequential', schedules, milestones: parsed.milestones };
}
