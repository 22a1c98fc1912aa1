import type { Stage, StageOutcome } from './stage.ts';

/** A stage whose implementation has not landed: it says so, with the issue that will build it, and does nothing. */
export class PendingStage implements Stage {
  constructor(
    readonly name: string,
    private readonly issue: string,
  ) {}

  async execute(): Promise<StageOutcome> {
    return { status: 'pending', detail: `not built yet (issue: ${this.issue})` };
  }
}

/** The workflow's stages in order, until the real ones are wired in the composition root. */
export const PENDING_STAGES: readonly PendingStage[] = [
  new PendingStage('data', 'data adapters and containers'),
  new PendingStage('model', 'model plugins'),
  new PendingStage('train', 'training engine'),
  new PendingStage('evaluate', 'evaluation'),
];
