import { existsSync } from 'node:fs';
import { backendGaps, CONFORMANCE_BACKENDS, expectedNotPassing, type ConformanceBackend } from '../../conformance/backend-exclusions.ts';
import { formatConformanceTable, judgeConformance, type BackendConformance } from '../../conformance/conformance-table.ts';
import { ONNX_NODE_TEST_DIR } from '../../conformance/onnx-node-suite.ts';
import { runConformance, type Executor } from '../../conformance/run-conformance.ts';
import { UsageError } from '../../orchestrator/errors.ts';
import { runOnOrt } from '../../plugins/backends/onnxruntime/ort-run.ts';
import { TorchReference } from '../../plugins/backends/torch/torch-reference.ts';
import { toJson } from '../io.ts';
import type { CliCommand } from './command.ts';

/** The ONNX node tests failed somewhere they are not expected to: exit 1, like a failed parity run. */
export class ConformanceFailedError extends Error {
  readonly exitCode = 1;
}

interface OpenExecutor {
  readonly run: Executor;
  dispose(): Promise<void>;
}

/** Each backend's graph executor, exactly as its conformance test runs it (one thread, tfjs on wasm, one python). */
async function openExecutor(backend: ConformanceBackend): Promise<OpenExecutor> {
  switch (backend) {
    case 'onnxruntime':
      return { run: (graph, feeds) => runOnOrt(graph, feeds, { intraOpNumThreads: 1 }), dispose: async () => {} };
    case 'tfjs': {
      // Loaded only when asked for: importing tfjs costs ~0.7 s.
      const [{ activateTfjs }, { execute }] = await Promise.all([import('../../plugins/backends/tfjs/runtime.ts'), import('../../plugins/backends/tfjs/interpreter.ts')]);
      await activateTfjs('wasm');
      return { run: async (graph, feeds) => execute(graph, feeds), dispose: async () => {} };
    }
    case 'torch': {
      const ref = new TorchReference();
      await ref.process.versions();
      return {
        run: async (graph, feeds) => {
          const out = await ref.executeGraph(graph, feeds);
          await ref.release(graph);
          return Object.fromEntries(out);
        },
        dispose: () => ref.dispose(),
      };
    }
  }
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
          let executor: OpenExecutor;
          try {
            executor = await openExecutor(backend);
          } catch (e) {
            throw new Error(`backend ${backend} could not start, so its conformance was not run: ${(e as Error).message}`);
          }
          try {
            const rows = await runConformance(executor.run, { root: o.data });
            results.push(judgeConformance(backend, rows, expectedNotPassing(backend), backendGaps(backend)));
          } finally {
            await executor.dispose();
          }
          io.err(`${backend}: ${results.at(-1)!.rows.length} node tests in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
        }
        io.out(o.json ? toJson(results) : `ONNX node conformance (${o.data})\ncell: passed/tests (non-passing tests that are refused by design or listed gaps) !unexpected\n\n${formatConformanceTable(results)}`);
        const bad = results.filter((r) => r.unexpected.length || r.stale.length);
        if (bad.length) {
          throw new ConformanceFailedError(`conformance differs from the expected results on ${bad.map((r) => `${r.backend} (${r.unexpected.length} unexpected, ${r.stale.length} stale exclusions)`).join(', ')}; see the lines marked "!" above`);
        }
      });
  },
};
