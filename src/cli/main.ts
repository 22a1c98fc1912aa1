import 'reflect-metadata';
import { runCli } from './program.ts';

// The process entry (bin/tandem.js loads this file); everything testable lives in program.ts.
process.exitCode = await runCli(process.argv.slice(2));
