// spec: specs/config-handshake.md §8.4: an outputs directory that cannot be written is one sentence, exit 2, before any
// work. Permission bits do not stop root, so as root the CLI runs as the unprivileged user 65534 (setpriv).
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { expect, it } from 'vitest';

const asRoot = process.getuid?.() === 0;
const setpriv = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p));

it.skipIf(asRoot && !setpriv)('a read-only outputs directory, or one under a read-only directory, is refused before training', async () => {
  const locked = join(mkdtempSync(join(tmpdir(), 'tandem-read-only-')), 'locked');
  mkdirSync(locked);
  chmodSync(join(locked, '..'), 0o755);
  chmodSync(locked, 0o555);
  const cases = [
    ['run', 'conf/quickstart.yaml', '--outputs', locked],
    ['run', 'conf/quickstart.yaml', '--outputs', join(locked, 'runs')],
  ];
  const child = ['node', '--import', 'tsx', join(import.meta.dirname, 'run-cli.child.ts'), JSON.stringify(cases)];
  const command = asRoot ? [setpriv!, '--reuid=65534', '--regid=65534', '--clear-groups', ...child] : child;
  const { stdout } = await execa(command[0], command.slice(1), { env: { HOME: tmpdir() } });
  const [inside, under] = JSON.parse(stdout) as { code: number; stderr: string }[];
  expect(inside).toStrictEqual({ code: 2, stderr: `error: cannot write into the outputs directory ${locked}: permission denied; fix its permissions or choose a path you can write to (EACCES)\n` });
  expect(under).toStrictEqual({ code: 2, stderr: `error: cannot create the outputs directory ${join(locked, 'runs')}: permission denied; fix its permissions or choose a path you can write to (EACCES)\n` });
  expect(readdirSync(locked)).toStrictEqual([]);
});
