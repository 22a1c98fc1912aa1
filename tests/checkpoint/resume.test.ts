// spec: specs/checkpoints.md §3 (resume from an epoch-end checkpoint; early stopping's state)
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCheckpoint } from '../../src/train/checkpoint/read-checkpoint.ts';
import type { TrainResults } from '../../src/train/results.ts';
import { trainWithCheckpoints } from './helpers.ts';

const withoutSeconds = (r: TrainResults) => r.history.map(({ seconds: _s, ...rest }) => rest);

describe('resuming in-process', () => {
  it('from an epoch-end checkpoint reproduces the history (LRs of an epoch schedule included) and the final metrics', async () => {
    const train = { epochs: 4, schedule: { name: 'step', step_size: 1, gamma: 0.5 } };
    const clean = await trainWithCheckpoints({ save_top_k: -1 }, train);
    const resumeFrom = loadCheckpoint(join(clean.runDir, 'checkpoints', 'epoch=1-step=8'));
    const resumed = await trainWithCheckpoints({ save_top_k: -1 }, train, { resume: resumeFrom });
    expect(withoutSeconds(resumed.results)).toEqual(withoutSeconds(clean.results));
    expect(resumed.results.history.map((h) => h.lr)).toEqual([1e-2, 5e-3, 2.5e-3, 1.25e-3]);
    expect(resumed.results.final).toEqual(clean.results.final);
    expect(resumed.results.steps).toBe(16);
  });

  it('a checkpoint written when early stopping ended the run resumes to nothing left to train', async () => {
    // A target every loss meets: converged after the first epoch.
    const stopped = await trainWithCheckpoints({}, { epochs: 5, early_stop: { patience: 1, min_delta: 0, target: 10 } });
    expect(stopped.results.stop.kind).toBe('converged');
    const last = loadCheckpoint(join(stopped.runDir, 'checkpoints', 'last'));
    expect(last.manifest.loop.stop).toMatchObject({ kind: 'converged' });
    const resumed = await trainWithCheckpoints({}, { epochs: 5, early_stop: { patience: 1, min_delta: 0, target: 10 } }, { resume: last });
    expect(resumed.results.steps).toBe(4);
    expect(resumed.results.stop).toEqual(stopped.results.stop);
  });
});
