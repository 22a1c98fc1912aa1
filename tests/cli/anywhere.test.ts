// The CLI from anywhere (README "Set-up", "Adding a plugin"; specs/config-handshake.md §2, §8.2): a real process,
// started in a project folder outside the repository, through a symlink on PATH (what `npm link` makes), through npx and an
// `npm pack` tarball unpacked into a global prefix, as `npm install -g` lays it out. Installing that tarball needs the
// registry for its dependencies, so the unpacked package gets this repository's node_modules as a symlink instead.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { openReference } from '../backends/torch/torch-available.ts';

const repo = resolve('.');
const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;
const root = mkdtempSync(join(tmpdir(), 'tandem-anywhere-'));
/** A user's project: its own config (no config groups beside it), data and plugin, nothing of tandem's. */
const project = join(root, 'project');
const linkedBin = join(root, 'linked', 'bin');
const prefix = join(root, 'prefix');
const { ref, skip: noTorch } = await openReference('tests/cli/anywhere.test.ts');
await ref.dispose();

/** The README's plugin snippet, as written there for a config in conf/. */
function readmePluginSnippet(): string {
  const readme = readFileSync('README.md', 'utf8');
  const section = readme.slice(readme.indexOf('## Adding a plugin'));
  const snippet = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
  if (!snippet?.includes('plugins:')) throw new Error('test setup: the README\'s "Adding a plugin" section has no yaml snippet with plugins:');
  return snippet;
}

beforeAll(async () => {
  mkdirSync(join(project, 'conf'), { recursive: true });
  cpSync('data/quickstart.npz', join(project, 'data', 'quickstart.npz'));
  cpSync('examples/plugins/jsonl-tracker.ts', join(project, 'examples', 'plugins', 'jsonl-tracker.ts'));
  const quickstart = readFileSync('conf/quickstart.yaml', 'utf8').replace(/^tracker:\n(?: .*\n)+/m, '');
  writeFileSync(join(project, 'conf', 'my-experiment.yaml'), `${quickstart}\n${readmePluginSnippet()}`);

  mkdirSync(linkedBin, { recursive: true });
  symlinkSync(join(repo, 'bin', 'tandem.js'), join(linkedBin, 'tandem'));

  await execa('npm', ['pack', '--pack-destination', root], { cwd: repo });
  const tarball = readdirSync(root).find((name) => name.endsWith('.tgz'))!;
  const installed = join(prefix, 'lib', 'node_modules', 'tandem');
  mkdirSync(installed, { recursive: true });
  await execa('tar', ['-xzf', join(root, tarball), '-C', installed, '--strip-components=1']);
  symlinkSync(realpathSync('node_modules'), join(installed, 'node_modules'));
  mkdirSync(join(prefix, 'bin'));
  symlinkSync('../lib/node_modules/tandem/bin/tandem.js', join(prefix, 'bin', 'tandem'));
}, 120_000);

/** `tandem <args>` as a person types it, in the project folder, with only `bin` on PATH to find tandem. */
function tandem(bin: string, ...args: string[]) {
  return execa('tandem', args, { cwd: project, reject: false, env: { PATH: `${bin}:${process.env.PATH}`, TANDEM_DEBUG: '' }, timeout: 120_000 });
}

/** Exit 0 and no error; progress lines on stderr are fine. The message shows stderr when it fails. */
function expectSuccess(r: { exitCode?: number; stderr: string }): void {
  expect(r.stderr).not.toMatch(/error|Error/);
  expect(r.exitCode, r.stderr).toBe(0);
}

describe('tandem in a project folder outside the repository: linked onto PATH (npm link), or through npx', () => {
  it('prints its help', async () => {
    const help = await tandem(linkedBin, '--help');
    expectSuccess(help);
    expect(help.stdout).toMatch(/^Usage: tandem \[options\] \[command\]/);
    expect(help.stdout).toMatch(/-V, --version/);
  });

  it('runs through npx from the project folder, given the checkout as the package', async () => {
    const r = await execa('npx', ['--yes', `--package=${repo}`, 'tandem', '--version'], { cwd: project, reject: false, timeout: 120_000 });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(version);
  });

  it("trains the project's config on tfjs, with tandem's backend group and the README's plugin copied into the project", async () => {
    const r = await tandem(linkedBin, 'run', 'conf/my-experiment.yaml', 'backend=tfjs', 'train.epochs=2');
    expectSuccess(r);
    const runDir = join(project, /run directory: (.*)/.exec(r.stdout)![1]);
    expect(parse(readFileSync(join(runDir, '.tandem', 'config.yaml'), 'utf8')).backend.name).toBe('tfjs');
    const events = readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(events.at(-1)).toMatchObject({ event: 'run_end', status: 'complete' });
  });
});

/** The README's first set-up command, after the install: the main job, `npx tandem …` steps joined by `&&`. */
function readmeMainJob(): string {
  const readme = readFileSync('README.md', 'utf8');
  const command = /```sh\n(.*)\n```/.exec(readme.slice(readme.indexOf('## Set-up')))?.[1] ?? '';
  return command.slice(command.indexOf('npm ci && ') + 'npm ci && '.length);
}

describe('tandem from an npm pack tarball, unpacked into a global prefix', () => {
  it('prints its version', async () => {
    expect(existsSync(join(prefix, 'lib', 'node_modules', 'tandem', 'conf', 'backend', 'tfjs.yaml'))).toBe(true);
    expect((await tandem(join(prefix, 'bin'), '--version')).stdout.trim()).toBe(version);
  });

  it.skipIf(noTorch !== undefined)("runs the README's main job: train the quickstart, then parity on both backends against PyTorch", async () => {
    expect(readmeMainJob()).toBe('npx tandem run conf/quickstart.yaml && npx tandem parity conf/quickstart.yaml');
    cpSync('conf/quickstart.yaml', join(project, 'conf', 'quickstart.yaml'));
    const steps = readmeMainJob().replaceAll('npx tandem', 'tandem');
    const r = await execa('sh', ['-c', steps], { cwd: project, reject: false, env: { PATH: `${join(prefix, 'bin')}:${process.env.PATH}` }, timeout: 240_000 });
    expectSuccess(r);
    expect(r.stdout).toMatch(/^run complete$/m);
    expect(r.stdout).toMatch(/^PASS: 14 pass, 0 fail/m);
  }, 240_000);
});
