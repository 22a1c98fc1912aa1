import { relative } from 'node:path';
import { runZoo } from '../../orchestrator/zoo/run-zoo.ts';
import { zooTable } from '../../orchestrator/zoo/zoo-table.ts';
import { toJson } from '../io.ts';
import type { CliCommand } from './command.ts';

/** Some zoo model did not pass every stage on every backend: exit 1, like a failed parity run. */
export class ZooFailedError extends Error {
  readonly exitCode = 1;
  constructor(message: string) {
    super(message);
    this.name = 'ZooFailedError';
  }
}

/**
 * `tandem zoo [--models a,b] [--out DIR] [--json]`: export real architectures with torch and torchvision, train
 * each a few steps on onnxruntime and tfjs, and run parity against live torch (specs/zoo.md). Exit 0 only when
 * every model passes every stage; 1 when one fails or is refused; 2 for usage errors (an unknown model, a
 * non-empty --out, no torch).
 */
export const zooCommand: CliCommand = {
  register(program, io) {
    program
      .command('zoo')
      .description('Export a zoo of real PyTorch architectures (resnet18, mobilenet_v2, ViT, LSTM, ...), train each on every backend and run parity; prints a model × stage table.')
      .option('--models <names>', 'comma-separated model names (default: the whole zoo; see specs/zoo.md)', (v: string, prev: string[] = []) => [...prev, ...v.split(',').map((s) => s.trim()).filter(Boolean)])
      .option('--out <dir>', 'a new or empty folder for the exports, data, configs and reports (default: <outputs>/zoo/<date>/<time>)')
      .option('--outputs <dir>', 'root of the run directories', 'outputs')
      .option('--python <path>', 'Python with torch and torchvision (default: the torch reference\'s)')
      .option('--json', 'print the zoo report (zoo.json) instead of the table')
      .action(async (o: { models?: string[]; out?: string; outputs: string; python?: string; json?: boolean }) => {
        const report = await runZoo({
          ...(o.models ? { models: o.models } : {}),
          ...(o.out ? { out: o.out } : {}),
          ...(o.python ? { python: o.python } : {}),
          outputsRoot: o.outputs,
          progress: (line) => io.err(`${line}\n`),
        });
        io.out(o.json ? toJson(report) : zooTable(report));
        if (report.summary.verdict !== 'pass') {
          const bad = report.models.filter((r) => r.status !== 'pass');
          throw new ZooFailedError(`zoo: ${bad.length} of ${report.models.length} model(s) did not pass: ${bad.map((r) => `${r.model} (${r.status})`).join(', ')}; details in ${relative(process.cwd(), report.out) || '.'}/zoo.md`);
        }
      });
  },
};
