import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { recordBaseline as record } from '../../parity/baseline/record-baseline.ts';
import type { BaselineManifest } from '../../parity/baseline/baseline-files.ts';
import type { PluginDefinition } from '../../contracts/plugin.ts';
import { openLiveReference } from '../composition-root.ts';
import { setUpParity } from './parity-setup.ts';
import { prepareWritableRoot } from '../writable-root.ts';

export interface RecordRequest {
  readonly configFile: string;
  readonly overrides: readonly string[];
  readonly builtins: readonly PluginDefinition[];
  /** Default: the experiment name. */
  readonly name?: string;
  readonly dtype: 'float32' | 'float64';
  readonly force?: boolean;
  /** Folder holding the baselines (default baselines/). */
  readonly root?: string;
}

/** `tandem baseline record`: handshake and plugins, then the PyTorch reference's results stored as a baseline. */
export async function recordBaseline(request: RecordRequest): Promise<{ dir: string; manifest: BaselineManifest }> {
  const setup = await setUpParity(request);
  const name = request.name ?? setup.experiment.name;
  const dir = setup.baselineDir(name, request.root);
  prepareWritableRoot(dirname(dir), 'the baselines directory');
  const live = openLiveReference();
  // A model's prepared files (a torch module's export) are not part of a baseline: they go to a scratch folder.
  const scratch = mkdtempSync(join(tmpdir(), 'tandem-baseline-'));
  try {
    await setup.experiment.prepare(scratch);
    const manifest = await record({
      dir,
      name,
      experiment: setup.experiment,
      identity: setup.identity,
      dtype: request.dtype,
      trajectorySteps: setup.settings.trajectorySteps,
      live,
      ...(request.force ? { force: true } : {}),
    });
    return { dir, manifest };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
    await live.dispose();
  }
}
