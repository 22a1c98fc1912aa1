import type { TrainingRun } from './training-run.ts';

/**
 * The workflow stages data → model → train → evaluate for one TrainingRun. They satisfy the orchestrator's Stage
 * interface structurally (train/ does not import the orchestrator: dependencies point one way).
 */
export interface TrainingStage {
  readonly name: string;
  execute(): Promise<{ readonly status: 'done'; readonly detail: string }>;
}

export function trainingStages(run: TrainingRun): TrainingStage[] {
  const stage = (name: string, work: () => Promise<string>): TrainingStage => ({
    name,
    execute: async () => ({ status: 'done', detail: await work() }),
  });
  return [
    stage('data', () => run.loadData()),
    stage('model', () => run.buildModel()),
    stage('train', () => run.train()),
    stage('evaluate', async () => (await run.evaluate()).detail),
  ];
}
