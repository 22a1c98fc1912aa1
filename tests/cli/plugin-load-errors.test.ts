// spec: specs/config-handshake.md §8.2: a plugin module in any folder, and its own error (file, line) when it fails
// to load. Run in a plain Node process: vitest's own module loader would stand in for Node's and hide the real path.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'tandem-plugin-errors-'));
const plugins: Record<string, { source: string; stderr: RegExp }> = {
  'syntax-error.ts': {
    source: 'export default {\n  kind: "tracker",\n  name: "x" +,\n};\n',
    stderr: /plugin module .*syntax-error\.ts failed to load: .*syntax-error\.ts:3:\d+: ERROR: Unexpected ","/,
  },
  'throws.ts': {
    source: 'function connect(): never {\n  throw new Error("no token configured");\n}\nconnect();\nexport default {};\n',
    stderr: /plugin module .*throws\.ts failed to load: no token configured \(at .*throws\.ts:2:\d+\)/,
  },
  'no-default.ts': {
    source: 'export const tracker = { kind: "tracker" };\n',
    stderr: /plugin module .*no-default\.ts does not export a plugin definition as its default export .*Write `export default \{ kind, name, description, params, create \}`/,
  },
  'bad-import.ts': {
    source: 'import { helper } from "./helpers.ts";\nexport default helper;\n',
    stderr: /plugin module .*bad-import\.ts failed to load: Cannot find module '.*helpers\.ts' imported from .*bad-import\.ts/,
  },
};

it('a plugin outside the repository loads (plain JavaScript too), or fails with its own error, file and line', async () => {
  for (const [file, { source }] of Object.entries(plugins)) writeFileSync(join(dir, file), source);
  writeFileSync(
    join(dir, 'plain.js'),
    'import { z } from "zod";\nexport default { kind: "tracker", name: "plain", description: "a tracker in JS", params: z.strictObject({}), create: () => ({ effectiveSettings: () => ({}) }) };\n',
  );
  const config = join(dir, 'experiment.yaml');
  writeFileSync(config, readFileSync('conf/quickstart.yaml', 'utf8').replace('path: data/quickstart.npz', `path: ${resolve('data/quickstart.npz')}`));
  const cases = Object.keys(plugins).map((file) => ['config', 'show', config, `+plugins=[${join(dir, file)}]`]);
  cases.push(['config', 'show', config, `+plugins=[${join(dir, 'plain.js')}]`, 'tracker.name=plain']);
  const child = join(import.meta.dirname, 'run-cli.child.ts');
  const { stdout } = await execa('node', ['--import', 'tsx', child, JSON.stringify(cases)]);
  const results = JSON.parse(stdout) as { code: number; stderr: string }[];
  // A .js file with no package.json to say "type": "module" is loaded as one, as a .ts file is.
  expect(results.pop()).toStrictEqual({ code: 0, stderr: '' });
  Object.values(plugins).forEach(({ stderr }, i) => {
    expect(results[i].stderr).toMatch(stderr);
    expect(results[i].stderr).not.toMatch(/Cannot require\(\) ES Module|in a cycle/);
    expect(results[i].stderr.match(/^error: /gm)).toHaveLength(1);
    expect(results[i].code).toBe(2);
  });
});
