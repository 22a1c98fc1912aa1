import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { declareReportFiles, declaredReportFiles } from '../../src/reports/report-files.ts';
import { captureWarnings } from './rest-harness.ts';
import { createTracker, makeRun, tempDir } from './tracker-harness.ts';

// spec: specs/tracking.md §1 (artifacts: the `reports` keyword).

let warnings: ReturnType<typeof captureWarnings>;
beforeEach(() => {
  warnings = captureWarnings();
});
afterEach(() => warnings.restore());

/** Every file under the one run's artifacts/ folder of a folder store, as paths relative to it. */
function storedArtifacts(store: string): string[] {
  const runs = readdirSync(store)
    .filter((d) => /^\d{18}$/.test(d))
    .flatMap((exp) => readdirSync(join(store, exp)).filter((d) => /^[0-9a-f]{32}$/.test(d)).map((run) => join(store, exp, run, 'artifacts')));
  expect(runs).toHaveLength(1);
  const walk = (dir: string): string[] => readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? walk(join(dir, n)) : [join(dir, n)]));
  return walk(runs[0] as string).map((p) => relative(runs[0] as string, p)).sort();
}

describe('the reports keyword of tracker.params.artifacts', () => {
  it('uploads exactly the files the run declared, folders and sub-paths kept, each once; other run-directory files stay out', async () => {
    const root = tempDir('reports-keyword');
    const run = makeRun(root);
    const store = join(root, 'mlruns');
    // `./reports` is a folder that happens to be called so, not the keyword.
    const tracker = await createTracker({ tracking_uri: `file:${store}`, artifacts: ['.tandem/config.yaml', 'reports', './reports'] });
    await tracker.onRunStart(run.start);
    mkdirSync(join(run.runDir, 'reports'));
    writeFileSync(join(run.runDir, 'reports', 'notes.txt'), 'mine');
    mkdirSync(join(run.runDir, 'plots'));
    mkdirSync(join(run.runDir, 'adapter'));
    mkdirSync(join(run.runDir, 'graphs'));
    for (const f of ['results.json', 'report.html', 'plots/loss.svg', 'plots/loss.vl.json', 'adapter/metrics.csv', 'graphs/forward.onnx', 'steps.tsv']) writeFileSync(join(run.runDir, f), f);
    declareReportFiles(run.runDir, 'results.json');
    declareReportFiles(run.runDir, 'report.html', 'plots', 'adapter/metrics.csv');
    declareReportFiles(run.runDir, 'results.json', 'gone.csv');
    expect(declaredReportFiles(run.runDir)).toEqual(['results.json', 'report.html', 'plots', 'adapter/metrics.csv', 'gone.csv']);
    await tracker.onRunEnd(run.summary('complete'));
    expect(storedArtifacts(store)).toEqual(['adapter/metrics.csv', 'config.yaml', 'plots/loss.svg', 'plots/loss.vl.json', 'report.html', 'reports/notes.txt', 'results.json']);
    expect(warnings.messages.join('')).toMatch(/artifact gone\.csv does not exist/);
  });

  it('is the default beside the config, and can be left out', async () => {
    const root = tempDir('reports-keyword-off');
    const run = makeRun(root);
    const store = join(root, 'mlruns');
    const tracker = await createTracker({ tracking_uri: `file:${store}`, artifacts: ['.tandem/config.yaml'] });
    await tracker.onRunStart(run.start);
    writeFileSync(join(run.runDir, 'results.json'), '{}');
    declareReportFiles(run.runDir, 'results.json');
    await tracker.onRunEnd(run.summary('complete'));
    expect(storedArtifacts(store)).toEqual(['config.yaml']);
    expect((await createTracker({})).effectiveSettings().artifacts).toEqual(['.tandem/config.yaml', 'reports']);
  });
});
