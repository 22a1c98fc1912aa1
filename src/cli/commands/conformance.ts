import { existsSync } from 'node:fs';
import { expectedNotPassing, OPS_WITHOUT_NODE_TESTS } from '../../conformance/exclusions.ts';
import { formatConformanceTable, judgeConformance, type BackendConformance } from '../../conformance/conformance-table.ts';
import { ONNX_NODE_TEST_DIR } from '../../conformance/onnx-node-suite.ts';
import { runConformance } from '../../conformance/run-conformance.ts';
import { UsageError } from '../../orchestrator/errors.ts';
import type { Backend } from '../../contracts/backend.ts';
import { builtinPlugins, importTimeNodeTests } from '../../orchestrator/composition-root.ts';
import { constructPlugin } from '../../orchestrator/plugins/construct-plugin.ts';
import { toJson } from '../io.ts';
import type { CliCommand } from './command.ts';

/** The ONNX node tests failed somewhere they are not expected to: exit 1, like a failed parity run. */
export class ConformanceFailedError extends Error {
  readonly exitCode = 1;
}

/** Short names `--backend` also accepts. */
const ALIASES: Readonly<Record<string, string>> = { ort: 'onnxruntime' };

/** The backends to check, by name from the one backend registry; `all` is every registered backend. */
function parseBackends(value: string): string[] {
  const registered = builtinPlugins.filter((d) => d.kind === 'backend').map((d) => d.name);
  if (value === 'all') return registered;
  return value.split(',').map((v) => {
    const name = ALIASES[v.trim()] ?? v.trim();
    if (!registered.includes(name)) throw new UsageError(`--backend "${v}" is not a registered backend; use one of ${registered.join(', ')}, ${Object.keys(ALIASES).map((a) => `${a} (${ALIASES[a]})`).join(', ')} or all (or a comma list)`);
    return name;
  });
}

/**
 * `tandem conformance`: the official ONNX node tests (Debian libonnx-testdata) of every op in tandem's set,
 * through tandem's ONNX reader and writer, on each backend's GraphExecutor (one thread, default settings otherwise), judged
 * against tandem's refusals (src/conformance/exclusions.ts) plus the gaps the backend reports in its capabilities.
 */
export const conformanceCommand: CliCommand = {
  register(program, io) {
    program
      .command('conformance')
      .description('Run the ONNX node tests of tandem\'s op set on each backend and print a per-backend, per-op pass table.')
      .option('--backend <name>', 'a registered backend (onnxruntime or ort, tfjs, torch, ...) | all (or a comma list)', 'all')
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
          let created: Backend;
          let executor;
          try {
            created = await constructPlugin(builtinPlugins, 'backend', backend, {}, '--backend');
            executor = await created.executor({ threads: 1 }); // as the conformance tests run it; results do not depend on it
          } catch (e) {
            throw new Error(`backend ${backend} could not start, so its conformance was not run: ${(e as Error).message}`);
          }
          try {
            const rows = await runConformance(async (graph, feeds) => Object.fromEntries(await executor.run(graph, new Map(Object.entries(feeds)))), { root: o.data, importTime: importTimeNodeTests });
            const gaps = created.capabilities().nodeTestGaps;
            results.push(judgeConformance(backend, rows, expectedNotPassing(gaps), gaps));
          } finally {
            await executor.dispose();
          }
          io.err(`${backend}: ${results.at(-1)!.rows.length} node tests in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
        }
        io.out(o.json ? toJson({ data: o.data, backends: results, opsWithoutNodeTests: OPS_WITHOUT_NODE_TESTS }) : `ONNX node conformance (${o.data})\ncell: passed/tests (non-passing tests that are refused by design or listed gaps) !unexpected\n\n${formatConformanceTable(results)}`);
        const bad = results.filter((r) => r.unexpected.length || r.stale.length);
        if (bad.length) {
          throw new ConformanceFailedError(`conformance differs from the expected results on ${bad.map((r) => `${r.backend} (${r.unexpected.length} unexpected, ${r.stale.length} stale exclusions)`).join(', ')}; see the lines marked "!" above`);
        }
      });
  },
};
