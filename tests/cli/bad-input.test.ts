// spec: specs/config-handshake.md §9 (error format and exit codes); data rows: specs/data-container.md "Errors".
// Every row runs the real CLI (in-process entry, same code path as bin/tandem.js) on one bad input and checks:
// exit code 2, one message that names the file and the key (or line:col, or the path) and says what to do, no
// stack trace, and nothing half-written: no run directory unless the failure came after the handshake (then it
// is marked failed), and nothing at all for a path that cannot be used.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
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
  const one = (v: number) => ({ dtype: 'float32' as const, shape: [1, 1], data: Float32Array.of(v), dims: ['batch', 'vector'] });
  writeNpzFile(join(root, 'one-row.npz'), { x: one(0.5), y: one(1) });
  writeFileSync(join(root, 'a-file'), 'not a directory');
  mkdirSync(join(root, 'a-directory'));
  writeFileSync(join(root, 'alias-bomb.yaml'), aliasBomb());
});

/** Nine levels of nine aliases each: 9⁹ strings if expanded (the "billion laughs" of YAML). */
function aliasBomb(): string {
  const lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
  const names = 'abcdefghi';
  for (let i = 1; i < names.length; i++) lines.push(`${names[i]}: &${names[i]} [${Array(9).fill(`*${names[i - 1]}`).join(', ')}]`);
  return `${lines.join('\n')}\n`;
}

interface Row {
  name: string;
  /** The config text (written to <row>.yaml next to the backend group), or undefined to use `args` as they are. */
  config?: () => string;
  /** The command line; `--outputs <row's outputs>` is appended unless `outputs` is false. */
  args?: (configFile: string) => string[];
  stderr: RegExp;
  /** True when the failure comes after the handshake: the run directory exists and must be marked failed. */
  runDirFailed?: boolean;
  /** `--outputs` for the row: a path of its own (the bad input), or false for commands without one. */
  outputs?: string | false;
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
  // Paths: checked before any work, one sentence each (what, which path, what to do), nothing created.
  {
    name: 'outputs is a file',
    config: () => experiment(good()),
    outputs: join(root, 'a-file'),
    stderr: /cannot use the outputs directory .*a-file: it is a file, not a directory; choose a directory path$/m,
  },
  {
    name: 'outputs under a file',
    config: () => experiment(good()),
    outputs: join(root, 'a-file', 'runs'),
    stderr: /cannot create the outputs directory .*a-file\/runs: .*a-file is a file, not a directory; choose a path whose every parent is a directory/,
  },
  {
    name: 'outputs under /proc (where Node\'s recursive mkdir spins forever)',
    config: () => experiment(good()),
    outputs: '/proc/tandem-outputs',
    stderr: /cannot create the outputs directory \/proc\/tandem-outputs: it does not exist, or cannot be created there; check the path \(ENOENT\)/,
  },
  {
    name: 'outputs where writing is not permitted',
    config: () => experiment(good()),
    outputs: '/sys/tandem-outputs',
    stderr: /cannot create the outputs directory \/sys\/tandem-outputs: the operation is not permitted there; choose a path in a normal writable directory \(EPERM\)/,
  },
  {
    name: 'outputs with a name longer than the file system allows',
    config: () => experiment(good()),
    outputs: join(root, 'o'.repeat(300)),
    stderr: /cannot (use|create) the outputs directory .*ooo: a name in the path is longer than the file system allows \(255 bytes a name, 4096 a path\); use shorter names \(ENAMETOOLONG\)/,
  },
  {
    name: 'parity with outputs that is a file',
    config: () => experiment(good()),
    args: (file) => ['parity', file],
    outputs: join(root, 'a-file'),
    stderr: /cannot use the outputs directory .*a-file: it is a file, not a directory/,
  },
  {
    name: 'config file that is a directory',
    args: () => ['run', join(root, 'a-directory')],
    stderr: /cannot read the config file .*a-directory: it is a directory where a file is needed; give a file path \(EISDIR\)/,
  },
  {
    name: 'data file that is a directory',
    config: () => experiment(join(root, 'a-directory')),
    stderr: /data file ".*a-directory" cannot be read \(it is a directory; .*check the path/,
    runDirFailed: true,
  },
  {
    name: 'a report archive under /proc',
    args: () => ['plan', 'run', 'plans/active/QUICKSTART-ORT-TO-TFJS/plan.yaml', '--phase', 'ort-forward', '--reports', '/proc/tandem-reports'],
    outputs: false,
    stderr: /cannot create the report archive \/proc\/tandem-reports: it does not exist, or cannot be created there; check the path \(ENOENT\) \(on the way to \/proc\/tandem-reports\/QUICKSTART-ORT-TO-TFJS\/ort-forward\)\. .*--reports <dir>/,
  },
  {
    name: 'a baselines folder under a file',
    config: () => experiment(good()),
    args: (file) => ['baseline', 'record', file, '--root', join(root, 'a-file', 'baselines')],
    outputs: false,
    stderr: /cannot create the baselines directory .*a-file\/baselines: .*a-file is a file, not a directory/,
  },
  // Names and values.
  {
    name: 'experiment name longer than a file name may be',
    config: () => experiment(good()),
    args: (file) => ['run', file, `experiment.name=${'a'.repeat(5000)}`],
    stderr: /command-line override 'experiment\.name=a{44}…' \(5016 characters\): Too long: it names files, and a file name may hold 255 bytes \(got "a{40}…" \(5000 characters\)\) \(key experiment\.name\)\. Use at most 128 characters\.$/m,
  },
  {
    name: 'experiment name with a slash',
    config: () => experiment(good(), ['name: quickstart', 'name: runs/quickstart']),
    stderr: /experiment-name-with-a-slash\.yaml:\d+:\d+: Use letters, digits, "\.", "_" and "-" \(it names files\) \(got "runs\/quickstart"\) \(key experiment\.name\)/,
  },
  {
    name: 'learning rate NaN',
    config: () => experiment(good()),
    args: (file) => ['run', file, 'train.optimizer.lr=nan'],
    stderr: /command-line override 'train\.optimizer\.lr=nan': NaN is not a finite number \(key train\.optimizer\.lr\)\. Write a finite number here\./,
  },
  {
    name: 'learning rate infinite',
    config: () => experiment(good()),
    args: (file) => ['run', file, 'train.optimizer.lr=inf'],
    stderr: /command-line override 'train\.optimizer\.lr=inf': Infinity is not a finite number \(key train\.optimizer\.lr\)/,
  },
  {
    name: 'a fractional batch size',
    config: () => experiment(good()),
    args: (file) => ['run', file, 'train.batch_size=1.5'],
    stderr: /'train\.batch_size=1\.5': Invalid input: expected int.*\(got 1\.5\) \(key train\.batch_size\)\. Write an integer here\./,
  },
  {
    name: 'no loss (deleted with ~train.loss)',
    config: () => experiment(good()),
    args: (file) => ['run', file, '~train.loss'],
    stderr: /no-loss-deleted-with-train-loss-\.yaml: train\.loss is missing, so there is nothing to train \(key train\.loss\)\. Name at least one loss term/,
  },
  {
    name: 'parity without a loss',
    config: () => experiment(good()),
    args: (file) => ['parity', file, '~train.loss'],
    stderr: /train\.loss is missing, so there is nothing to train/,
  },
  {
    name: 'an empty loss',
    config: () => experiment(good()),
    args: (file) => ['run', file, 'train.loss={}'],
    stderr: /'train\.loss=\{\}': train\.loss names no loss term; name at least one, e\.g\. data: \{kind: mse/,
  },
  {
    name: 'YAML alias bomb',
    args: () => ['run', join(root, 'alias-bomb.yaml')],
    stderr: /alias-bomb\.yaml: cannot be read as a config: Excessive alias count .*\. Write the values out instead of nesting aliases/,
  },
  {
    name: 'a key that does not exist',
    config: () => experiment(good()),
    args: (file) => ['run', file, 'train.epochz=3'],
    stderr: /cannot override 'train\.epochz': there is no such key in the config \(key train\.epochz\)\. Did you mean 'epochs'\? To add a new key, write \+train\.epochz=3\./,
  },
  {
    name: 'adding a key that exists',
    config: () => experiment(good()),
    args: (file) => ['run', file, '+train.epochs=3'],
    stderr: /cannot add 'train\.epochs': the key already exists .*To change it write train\.epochs=3/,
  },
  {
    name: 'adding a config group already chosen',
    config: () => experiment(good()),
    args: (file) => ['run', file, '+backend=tfjs'],
    stderr: /config group 'backend' is already in the defaults list\. Select an option with backend=tfjs \(no '\+'\)\./,
  },
  {
    name: 'a plugin module that does not exist',
    config: () => experiment(good()),
    args: (file) => ['run', file, `+plugins=[${join(root, 'no-such-plugin.ts')}]`],
    stderr: /plugin module .*no-such-plugin\.ts does not exist .*Paths in `plugins:` are relative to the config file/,
  },
  // Data too small for its split or batch.
  {
    name: 'one row: its validation split rounds to nothing',
    config: () => experiment(join(root, 'one-row.npz')),
    stderr: /one-row\.npz: 1 sample\(s\) × split\.validation 0\.2 rounds to 0 validation samples, so the run would have no validation loss; add data \(at least 3 samples\), raise split\.validation, or set it to 0/,
    runDirFailed: true,
  },
  {
    name: 'validation split leaving nothing to train on',
    config: () => experiment(good(), ['    keys:', '    split: { validation: 0.99 }\n    keys:']),
    stderr: /good\.npz: 16 samples leave none for training with split\.validation = 0\.99: lower split\.validation or add data/,
    runDirFailed: true,
  },
  // Commands other than run.
  {
    name: 'bench --threads that is not a number',
    args: () => ['bench', 'train', '--threads', 'abc'],
    outputs: false,
    stderr: /--threads must be a positive integer or "all", got "abc"/,
  },
  {
    name: 'resume=last with nothing to resume',
    config: () => experiment(good()),
    args: (file) => ['run', file, 'resume=last'],
    stderr: /resume=last: no run under .* has a checkpoints\/ folder; enable train\.checkpoint, or name a checkpoint directory/,
  },
  {
    name: 'an unknown option',
    config: () => experiment(good()),
    args: (file) => ['run', file, '--bogus'],
    stderr: /^error: unknown option '--bogus'\n\(run with --help for usage\)/,
  },
];

describe('bad input fails with exit code 2, a message naming file, key and fix, and no run marked complete', () => {
  it('has at least 40 rows', () => expect(rows.length).toBeGreaterThanOrEqual(40));

  it.each(rows)('$name', async (row) => {
    const slug = row.name.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
    const configFile = join(root, `${slug}.yaml`);
    if (row.config) writeFileSync(configFile, row.config());
    const outputs = typeof row.outputs === 'string' ? row.outputs : join(root, 'outputs', slug);
    const args = row.args ? row.args(configFile) : ['run', configFile];
    const before = readdirSync(root).sort();
    const { code, stdout, stderr } = await cli(...args, ...(row.outputs === false ? [] : ['--outputs', outputs]));
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^error: /);
    expect(stderr.match(/^error: /gm)).toHaveLength(1);
    expect(stderr).toMatch(row.stderr);
    expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
    if (typeof row.outputs === 'string') {
      // The path could not be used: nothing was made there, and nothing new appeared beside the configs.
      expect(existsSync(outputs) && !['a-file', 'a-directory'].some((f) => outputs === join(root, f))).toBe(false);
      expect(readdirSync(root).sort()).toStrictEqual(before);
    } else {
      expect(runStatuses(outputs)).toStrictEqual(row.runDirFailed ? ['failed'] : []);
    }
  });
});
