// spec: specs/config-handshake.md §8.4: Ctrl-C or SIGTERM marks the run directory killed; the process ends by the signal.
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { expect, it } from 'vitest';
import { readStatus } from '../../src/orchestrator/run/run-directory.ts';
import { runStatuses } from './run-cli.ts';

it.concurrent.each(['SIGINT', 'SIGTERM'] as const)('%s during training marks the run killed, not running', async (signal) => {
  const outputs = mkdtempSync(join(tmpdir(), 'tandem-signal-'));
  const run = execa('node', ['bin/tandem.js', 'run', 'conf/quickstart.yaml', 'train.epochs=100000', '--outputs', outputs, '--json'], { reject: false });
  // The first epoch's progress line says training has started: the run directory is there and marked running.
  await new Promise<void>((resolve) => run.stderr!.on('data', (chunk: Buffer) => chunk.toString().includes('epoch 1/') && resolve()));
  expect(runStatuses(outputs)).toStrictEqual(['running']);
  run.kill(signal);
  const result = await run;
  expect(result.signal).toBe(signal);
  const [day] = readdirSync(outputs);
  const [time] = readdirSync(join(outputs, day));
  expect(readStatus(join(outputs, day, time))).toMatchObject({ status: 'killed', error: `stopped by ${signal}` });
});
