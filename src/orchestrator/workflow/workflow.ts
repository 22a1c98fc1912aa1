import { inject, injectable, multiInject } from 'inversify';
import type { RunSummary, StageRecord } from '../../contracts/run-hooks.ts';
import type { FrozenConfig } from '../frozen-config.ts';
import { HookDispatcher } from '../hook-dispatcher.ts';
import { TOKENS } from '../tokens.ts';
import { runStage, type Stage } from './stage.ts';

/**
 * One run, read as a script: start → each stage in order → end. Tracking and reporting are hooks on injected
 * plugins (a do-nothing tracker when none is configured), so there are no `if (tracker)` branches here.
 */
@injectable()
export class Workflow {
  constructor(
    @inject(TOKENS.FrozenConfig) private readonly frozen: FrozenConfig,
    @inject(TOKENS.RunDirectory) private readonly runDir: string,
    @multiInject(TOKENS.Stage) private readonly stages: Stage[],
    @inject(TOKENS.HookDispatcher) private readonly hooks: HookDispatcher,
  ) {}

  /**
   * Runs every stage; resolves with the summary, or rejects with the stage's error after onRunEnd saw it. `tags`
   * label the run for trackers (RunStart.tags, e.g. the sweep and job a sweep job belongs to).
   */
  async run(tags?: Readonly<Record<string, string>>): Promise<RunSummary> {
    const startedAt = new Date().toISOString();
    const { config, hash } = this.frozen;
    await this.hooks.emit('onRunStart', { runDir: this.runDir, experiment: config.experiment.name, configHash: hash, config, ...(tags ? { tags } : {}) });
    const records: StageRecord[] = [];
    let failure: unknown;
    for (const stage of this.stages) {
      const t0 = performance.now();
      let record: StageRecord;
      try {
        const outcome = await runStage(stage, this.frozen);
        record = { stage: stage.name, ...outcome, seconds: (performance.now() - t0) / 1000 };
      } catch (error) {
        failure = error;
        record = { stage: stage.name, status: 'failed', detail: (error as Error).message ?? String(error), seconds: (performance.now() - t0) / 1000 };
      }
      records.push(record);
      await this.hooks.emit('onStageEnd', record);
      if (failure !== undefined) break;
    }
    const summary: RunSummary = {
      status: failure !== undefined ? 'failed' : records.every((r) => r.status === 'done') ? 'complete' : 'partial',
      runDir: this.runDir,
      experiment: config.experiment.name,
      configHash: hash,
      startedAt,
      endedAt: new Date().toISOString(),
      stages: records,
      ...(failure !== undefined ? { error: (failure as Error).message ?? String(failure) } : {}),
    };
    await this.hooks.emit('onRunEnd', summary);
    if (failure !== undefined) throw failure;
    return summary;
  }
}
