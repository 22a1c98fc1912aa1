// spec: specs/config-handshake.md §9 (error format and exit codes); data rows: specs/data-container.md "Errors".
// Every row runs the real CLI (in-process entry, same code path as bin/tandem.js) on one bad input and checks:
// exit code 2, a message that names the file and the key (or line:col) and says what to do, and that no run
// directory is marked complete.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeNpzFile } from '../../src/data/npz.ts';
import { cli, runStatuses } from './run-cli.ts';

const root = mkdtempSync(join(tmpdir(), 'tandem-bad-input-'));
const n = 16;

function column(values: (i: number) => number, dtype: 'float32' | 'float64' = 'float32', width = 1) {
  const data = dtype === 'float32' ? new Float32Array(n * width) : new Float64Array(n * width);
  for (let i = 0; i < n * width; i++) data[i] = values(i);
  return { dtype, shape: [n, width], data, dims: ['batch', 'vector'] };
}

/** conf/quickstart.yaml pointed at `dataFile`, with one edit. An edit that finds nothing fails the row loudly. */
function experiment(dataFile: string, edit?: [string | RegExp, string]): string {
  const text = replaceOnce(readFileSync('conf/quickstart.yaml', 'utf8'), 'path: data/quickstart.npz', `path: ${dataFile}`);
  return edit ? replaceOnce(text, ...edit) : text;
}

function replaceOnce(text: string, from: string | RegExp, to: string): string {
  if (typeof from === 'string' ? !text.includes(from) : !from.test(text)) {
    throw new Error(`test setup: conf/quickstart.yaml no longer contains ${String(from)}; update this table`);
  }
  return text.replace(from, to);
}

beforeAll(() => {
  mkdirSync(join(root, 'backend'));
  for (const option of ['onnxruntime', 'tfjs']) writeFileSync(join(root, 'backend', `${option}.yaml`), readFileSync(`conf/backend/${option}.yaml`));
  const good = { x: column((i) => i / n), y: column((i) => Math.sin(i)) };
  writeNpzFile(join(root, 'good.npz'), good);
  const bytes = readFileSync(join(root, 'good.npz'));
  writeFileSync(join(root, 'truncated.npz'), bytes.subarray(0, Math.floor(bytes.length / 2)));
  writeFileSync(join(root, 'corrupt.npz'), 'this is not a zip archive at all');
  writeNpzFile(join(root, 'missing-key.npz'), { x: good.x });
  writeNpzFile(join(root, 'wrong-dtype.npz'), { x: good.x, y: column((i) => Math.sin(i), 'float64') });
  writeNpzFile(join(root, 'wrong-shape.npz'), { x: column((i) => i, 'float32', 2), y: good.y });
  writeNpzFile(join(root, 'nan.npz'), { x: good.x, y: column((i) => (i === 5 ? NaN : i)) });
  writeNpzFile(join(root, 'inf.npz'), { x: column((i) => (i === 3 ? -Infinity : i)), y: good.y });
});

interface Row {
  name: string;
  /** The config text (written to <row>.yaml next to the backend group), or undefined to use `args` as they are. */
  config?: () => string;
  args?: (configFile: string) => string[];
  stderr: RegExp;
  /** True when the failure comes after the handshake: the run directory exists and must be marked failed. */
  runDirFailed?: boolean;
}

const good = () => join(root, 'good.npz');
const rows: Row[] = [
  {
    name: 'malformed YAML',
    config: () => experiment(good(), [/^ {2}seed: .*$/m, '  seed: [0']),
    stderr: /malformed-yaml\.yaml:\d+:\d+: is not valid YAML: .+\. Fix the YAML syntax at that position\./,
  },
  {
    name: 'unknown key with a suggestion',
    config: () => experiment(good(), [/^ {2}batch_size: .*$/m, '  batchsize: 32']),
    stderr: /unknown-key-with-a-suggestion\.yaml:\d+:3: unknown key 'batchsize' \(key train\.batchsize\)\. Did you mean 'batch_size'\? Valid keys here: epochs, batch_size, optimizer\b/,
  },
  {
    name: 'wrong type',
    config: () => experiment(good(), [/^ {2}epochs: .*$/m, '  epochs: twenty']),
    stderr: /wrong-type\.yaml:\d+:3: Invalid input: expected number, received string \(got "twenty"\) \(key train\.epochs\)\. Write a number here\./,
  },
  {
    name: 'value out of range',
    config: () => experiment(good(), [/^ {4}lr: .*$/m, '    lr: -1.0e-3']),
    stderr: /value-out-of-range\.yaml:\d+:5: Too small: expected number to be >0 \(got -0\.001\) \(key train\.optimizer\.lr\)\. Use a value > 0\./,
  },
  {
    name: 'out of range from an override',
    config: () => experiment(good()),
    args: (file) => ['run', file, 'experiment.seed=-1'],
    stderr: /command-line override 'experiment\.seed=-1': Too small: .* \(key experiment\.seed\)\. Use a value >= 0\./,
  },
  {
    name: 'unknown plugin',
    config: () => experiment(good(), ['name: npz', 'name: npy']),
    stderr: /unknown-plugin\.yaml:\d+:3: unknown adapter plugin 'npy' \(key adapter\.name\)\. Registered adapter plugins: .*npz.*\. Did you mean 'npz'\?/,
  },
  {
    name: 'unknown backend option',
    config: () => experiment(good()),
    args: (file) => ['run', file, 'backend=tfjss'],
    stderr: /config group 'backend' has no option 'tfjss' .*\(key backend\)\. Valid options: onnxruntime, tfjs\. Did you mean 'tfjs'\?/,
  },
  {
    name: 'missing config file',
    args: () => ['run', join(root, 'nope.yaml')],
    stderr: /config file .*nope\.yaml does not exist\. Check the path/,
  },
  {
    name: 'a sweep in a single run',
    config: () => experiment(good()),
    args: (file) => ['run', file, 'train.epochs=1,2'],
    stderr: /override 'train\.epochs=1,2' is a sweep over 2 values, but this command runs one configuration/,
  },
  {
    name: 'malformed override',
    config: () => experiment(good()),
    args: (file) => ['run', file, 'train.epochs'],
    stderr: /override 'train\.epochs' is not valid: there is no '=' between the key and the value\. Write key=value/,
  },
  {
    name: 'missing data file',
    config: () => experiment(join(root, 'absent.npz')),
    stderr: /plugin adapter 'npz' failed in create: data file ".*absent\.npz" cannot be read \(no such file.*check the path/,
    runDirFailed: true,
  },
  {
    name: 'truncated npz',
    config: () => experiment(join(root, 'truncated.npz')),
    stderr: /truncated\.npz.*not a valid zip\/npz: .+; re-generate or re-download the file/,
    runDirFailed: true,
  },
  {
    name: 'corrupt npz',
    config: () => experiment(join(root, 'corrupt.npz')),
    stderr: /corrupt\.npz.*not a valid zip\/npz: .+; re-generate or re-download the file/,
    runDirFailed: true,
  },
  {
    name: 'npz missing a declared key',
    config: () => experiment(join(root, 'missing-key.npz')),
    stderr: /missing-key\.npz: required key "y" is missing; the file holds "x"\. Rename the array in the file/,
    runDirFailed: true,
  },
  {
    name: 'dtype violating the contract',
    config: () => experiment(join(root, 'wrong-dtype.npz')),
    stderr: /wrong-dtype\.npz: key "y": dtype is float64, the contract requires float32\. Convert it/,
    runDirFailed: true,
  },
  {
    name: 'shape violating the contract',
    config: () => experiment(join(root, 'wrong-shape.npz')),
    stderr: /wrong-shape\.npz: key "x": axis "vector" has size 2, the contract requires 1\. Fix the file or the shape/,
    runDirFailed: true,
  },
  {
    name: 'NaN where forbidden',
    config: () => experiment(join(root, 'nan.npz')),
    stderr: /nan\.npz: key "y" holds 1 non-finite value, the first \(NaN\) at .*\b5\b.*\. Clean the data/,
    runDirFailed: true,
  },
  {
    name: 'Inf where forbidden',
    config: () => experiment(join(root, 'inf.npz')),
    stderr: /inf\.npz: key "x" holds 1 non-finite value, the first \(-Inf(inity)?\) at .*\b3\b.*allowNonFinite/,
    runDirFailed: true,
  },
];

describe('bad input fails with exit code 2, a message naming file, key and fix, and no run marked complete', () => {
  it.each(rows)('$name', async (row) => {
    const slug = row.name.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
    const configFile = join(root, `${slug}.yaml`);
    if (row.config) writeFileSync(configFile, row.config());
    const outputs = join(root, 'outputs', slug);
    const args = row.args ? row.args(configFile) : ['run', configFile];
    const { code, stdout, stderr } = await cli(...args, '--outputs', outputs);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^error: /);
    expect(stderr).toMatch(row.stderr);
    expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(runStatuses(outputs)).toStrictEqual(row.runDirFailed ? ['failed'] : []);
  });
});
