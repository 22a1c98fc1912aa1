import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { ParityCase } from '../../parity/report.ts';
import type { Reference } from '../../contracts/reference.ts';
import { writeFileAtomic } from '../../util/atomic-write.ts';
import { DEFAULT_PYTHON, builtinPlugins, openLiveReference } from '../composition-root.ts';
import { exitCodeOf, messageOf, UsageError } from '../errors.ts';
import { runParity, type ParityRequest } from '../parity/run-parity.ts';
import { createTimestampedDirectory } from '../run/run-directory.ts';
import { checkExport } from './export-check.ts';
import { exportZoo, selectModels, zooCatalog, type ZooExport } from './zoo-export.ts';
import { writeZooExperiment, ZOO_SETTINGS } from './zoo-experiment.ts';
import { rowFromCases, ZOO_SCHEMA, type ZooReport, type ZooRow, type ZooStatus } from './zoo-report.ts';
import { zooTable } from './zoo-table.ts';

export interface ZooRequest {
  /** Model names (`--models`); undefined runs the whole zoo. */
  readonly models?: readonly string[];
  /** The zoo's folder (`--out`); default a new `<outputsRoot>/zoo/<date>/<time>/`. */
  readonly out?: string;
  readonly outputsRoot: string;
  readonly python?: string;
  /** Planted bugs per backend, passed to every model's parity run (the tests' wrong implementations). */
  readonly sides?: ParityRequest['sides'];
  /** One line per step of a long run (stderr in the CLI). */
  readonly progress: (line: string) => void;
}

/**
 * `tandem zoo`: export the selected architectures with torch, then per model write its data and config, check
 * tandem's forward against the torch module's own output (export-check.ts), and run `tandem parity` on it
 * (onnxruntime and tfjs against one live torch reference), a row per model. The folder:
 *
 *   models/             the exports and manifest.json (created whole, by rename)
 *   experiments/        <model>.npz and <model>.yaml (each written atomically; `tandem parity` reruns a row)
 *   runs/<model>/…      each model's parity run directory (parity.json, parity.md, report.html)
 *   zoo.json, zoo.md    written last, atomically: a folder without them is a zoo that did not finish
 */
export async function runZoo(request: ZooRequest): Promise<ZooReport> {
  const started = performance.now();
  const python = request.python ?? DEFAULT_PYTHON;
  const names = selectModels(await zooCatalog(python), request.models);
  const out = prepareOut(request);
  request.progress(`zoo: exporting ${names.length} model(s) with ${python} into ${relative(process.cwd(), out) || '.'}`);
  const manifest = await exportZoo(python, join(out, 'models'), ZOO_SETTINGS.batchSize, names, (line) => request.progress(`  ${line}`));
  const reference = openLiveReference({ python });
  const rows: ZooRow[] = [];
  try {
    for (const [i, model] of manifest.models.entries()) {
      request.progress(`[${i + 1}/${manifest.models.length}] ${model.name}: ${model.what}${model.parameters !== undefined ? `, ${model.parameters.toLocaleString('en-US')} parameters` : ''}`);
      const row = await zooRow(model, out, reference, request);
      request.progress(`  ${model.name}: ${row.status} (${row.seconds.toFixed(1)} s)`);
      rows.push(row);
    }
  } finally {
    await reference.dispose();
  }
  const passed = rows.filter((r) => r.status === 'pass').length;
  const total = (performance.now() - started) / 1000;
  const report: ZooReport = {
    schema: ZOO_SCHEMA,
    torch: manifest.torch,
    settings: ZOO_SETTINGS,
    out,
    models: rows,
    summary: { verdict: passed === rows.length ? 'pass' : 'fail', passed, models: rows.length, seconds: total },
  };
  writeFileAtomic(join(out, 'zoo.md'), zooTable(report));
  writeFileAtomic(join(out, 'zoo.json'), `${JSON.stringify(report, null, 2)}\n`);
  return report;
}

/**
 * One model's row: its experiment written, the export check, then parity. A model tandem refuses (bad input,
 * exit 2) is a `refused` row with the importer's message; any other failure an `error` row, and the zoo goes on.
 */
async function zooRow(model: ZooExport, out: string, reference: Reference, request: ZooRequest): Promise<ZooRow> {
  const head = { model: model.name, what: model.what, ...(model.parameters !== undefined ? { parameters: model.parameters } : {}) };
  const t0 = performance.now();
  const seconds = () => (performance.now() - t0) / 1000;
  const unrun = (status: ZooStatus, message: string): ZooRow => ({ ...head, status, export: {}, stages: {}, message, cases: [], seconds: seconds() });
  if (model.error || !model.input || !model.output) return unrun('export-failed', `torch.onnx.export failed: ${model.error ?? 'no input or output recorded'}`);
  const config = writeZooExperiment({ ...model, input: model.input, output: model.output }, join(out, 'models', `${model.name}.onnx`), join(out, 'experiments'));
  try {
    const exported = await checkExport(config, join(out, 'models', 'expected.npz'), model.name, ZOO_SETTINGS.backends, builtinPlugins);
    for (const [backend, c] of Object.entries(exported)) {
      request.progress(`  ${model.name}/${backend}/export: ${c.verdict} (max abs ${c.maxAbs.toExponential(2)} from the torch module, whose outputs reach ${c.outputScale.toPrecision(3)})`);
    }
    const onCase = (c: ParityCase) => request.progress(`  ${c.id}: ${c.verdict} (${c.timing.seconds.toFixed(1)} s)`);
    const sides = request.sides ? { sides: request.sides } : {};
    const { report, reportPath } = await runParity({ configFile: config, overrides: [], builtins: builtinPlugins, outputsRoot: join(out, 'runs', model.name), selectors: [], reference, onCase, ...sides });
    return rowFromCases(head, exported, report.cases, relative(out, reportPath), seconds());
  } catch (e) {
    return unrun(exitCodeOf(e) === 2 ? 'refused' : 'error', messageOf(e));
  }
}

/** `--out` must be new or empty (a zoo never mixes with an earlier one's files); the default is a fresh folder. */
function prepareOut(request: ZooRequest): string {
  if (!request.out) return createTimestampedDirectory(join(request.outputsRoot, 'zoo'));
  const out = resolve(request.out);
  if (existsSync(out) && readdirSync(out).length > 0) throw new UsageError(`--out ${request.out} is not empty; give a new or empty folder (the zoo writes models/, experiments/, runs/ and zoo.json there)`);
  mkdirSync(out, { recursive: true });
  return out;
}
