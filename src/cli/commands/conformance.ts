import { existsSync } from 'node:fs';
import { backendGaps, CONFORMANCE_BACKENDS, expectedNotPassing, type ConformanceBackend } from '../../conformance/backend-exclusions.ts';
import { formatConformanceTable, judgeConformance, type BackendConformance } from '../../conformance/conformance-table.ts';
import { ONNX_NODE_TEST_DIR } from '../../conformance/onnx-node-suite.ts';
import { runConformance } from '../../conformance/run-conformance.ts';
import { UsageError } from '../../orchestrator/errors.ts';
import type { GraphExecutor } from '../../contracts/backend.ts';
import { builtinPlugins } from '../../orchestrator/composition-root.ts';
import { constructPlugin } from '../../orchestrator/plugins/construct-plugin.ts';
import { toJson } from '../io.ts';
import type { CliCommand } from './command.ts';

/** The ONNX node tests failed somewhere they are not expected to: exit 1, like a failed parity run. */
export class ConformanceFailedError extends Error {
  readonly exitCode = 1;
}

/**
 * The params each backend's conformance test runs it with (one ORT thread, tfjs on wasm); any backend not
 * listed runs with its defaults. Executors come from the one backend registry, by name.
 */
const CONFORMANCE_PARAMS: Readonly<Record<string, Record<string, unknown>>> = { onnxruntime: { threads: 1 }, tfjs: { device: 'wasm' } };

async function openExecutor(backend: ConformanceBackend): Promise<GraphExecutor> {
  return (await constructPlugin(builtinPlugins, 'backend', backend, CONFORMANCE_PARAMS[backend] ?? {}, '--backend')).executor();
}

function parseBackends(value: string): ConformanceBackend[] {
  if (value === 'all') return [...CONFORMANCE_BACKENDS];
  const alias: Record<string, ConformanceBackend> = { ort: 'onnxruntime', onnxruntime: 'onnxruntime', tfjs: 'tfjs', torch: 'torch' };
  return value.split(',').map((v) => {
    const b = alias[v.trim()];
    if (!b) throw new UsageError(`--backend "${v}" is not one of ort (onnxruntime), tfjs, torch, all`);
    return b;
  });
}

/**
 * `tandem conformance`: the official ONNX node tests (Debian libonnx-testdata) of every op in tandem's set,
 * through tandem's ONNX reader and writer, on each backend's executor, judged against one exclusion list
 * (src/conformance/backend-exclusions.ts) shared with the tests.
 */
export const conformanceCommand: CliCommand = {
  register(program, io) {
    program
      .command('conformance')
      .description('Run the ONNX node tests of tandem\'s op set on each backend and print a per-backend, per-op pass table.')
      .option('--backend <name>', 'ort | tfjs | torch | all (or a comma list)', 'all')
      .option('--data <dir>', 'the ONNX node test directory', ONNX_NODE_TEST_DIR)
      .option('--json', 'print every test result as JSON')
      .action(async (o: { backend: string; data: string; json?: boolean }) => {
        const backends = parseBackends(o.backend);
        if (!existsSync(o.data)) {
          throw new UsageError(`the ONNX node test data is not at ${o.data}; install it with \`apt-get install libonnx-testdata\` (Debian/Ubuntu), or point --data at an onnx/backend/test/data/node directory`);
        }
        const results: BackendConformance[] = [];
        for (const backend of backends) {
          const started = performance.now();
          let executor: GraphExecutor;
          try {
            executor = await openExecutor(backend);
          } catch (e) {
            throw new Error(`backend ${backend} could not start, so its conformance was not run: ${(e as Error).message}`);
          }
          try {
            const rows = await runConformance(async (graph, feeds) => Object.fromEntries(await executor.run(graph, new Map(Object.entries(feeds)))), { root: o.data });
            results.push(judgeConformance(backend, rows, expectedNotPassing(backend), backendGaps(backend)));
          } finally {
            await executor.dispose();
          }
          io.err(`${backend}: ${results.at(-1)!.rows.length} node tests in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
        }
        io.out(o.json ? toJson({ data: o.data, backends: results }) : `ONNX node conformance (${o.data})\ncell: passed/tests (non-passing tests that are refused by design or listed gaps) !unexpected\n\n${formatConformanceTable(results)}`);
        const bad = results.filter((r) => r.unexpected.length || r.stale.length);
        if (bad.length) {
          throw new ConformanceFailedError(`conformance differs from the expected results on ${bad.map((r) => `${r.backend} (${r.unexpected.length} unexpected, ${r.stale.length} stale exclusions)`).join(', ')}; see the lines marked "!" above`);
        }
      });
  },
};
