import { assertFrozenConfig, type FrozenConfig } from '../frozen-config.ts';

/** What a stage did. `pending` means the stage is not built yet; it never pretends to have done work. */
export interface StageOutcome {
  readonly status: 'done' | 'pending';
  readonly detail: string;
}

/** One step of the workflow (data, model, train, evaluate). Stages receive behaviour through their constructor. */
export interface Stage {
  readonly name: string;
  execute(config: FrozenConfig): Promise<StageOutcome>;
}

/**
 * The only way a stage is run: it refuses anything that did not come out of the handshake (spec:
 * specs/config-handshake.md §7), whatever the static type claims.
 */
export async function runStage(stage: Stage, config: FrozenConfig): Promise<StageOutcome> {
  assertFrozenConfig(config, stage.name);
  return stage.execute(config);
}
