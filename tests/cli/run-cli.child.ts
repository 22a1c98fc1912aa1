// Runs the CLI in a plain Node process (tsx's loader, Node's own module resolution and hooks, as bin/tandem.js),
// once per command line given as JSON on argv[2], and prints [{code, stderr}] as JSON: many cases, one process start.
import 'reflect-metadata';
import { runCli } from '../../src/cli/program.ts';

const results: { code: number; stderr: string }[] = [];
for (const argv of JSON.parse(process.argv[2]) as string[][]) {
  let stderr = '';
  const code = await runCli(argv, { out: () => {}, err: (text) => void (stderr += text) });
  results.push({ code, stderr });
}
process.stdout.write(JSON.stringify(results));
