// spec: specs/config-handshake.md §2.1 (interpolation) and §10 (`tandem config show`), §8.4 (config.yaml echo)
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { cli } from '../cli/run-cli.ts';

afterEach(() => {
  delete process.env.TANDEM_T_SUFFIX;
});

describe('interpolating overrides on the command line', () => {
  it('tandem config show resolves them after composition: typed whole values, strings around them, env vars', async () => {
    process.env.TANDEM_T_SUFFIX = 'env';
    const interpolating = ['train.batch_size=${train.epochs}', 'experiment.name=${model.name}-${oc.env:TANDEM_T_SUFFIX,none}', 'train.epochs=8'];
    const shown = await cli('config', 'show', 'conf/quickstart.yaml', ...interpolating, '--json');
    expect(shown.stderr).toBe('');
    expect(shown.code).toBe(0);
    const out = JSON.parse(shown.stdout);
    // batch_size follows train.epochs as overridden later on the line: resolution comes after every override.
    expect(out.config.train).toMatchObject({ epochs: 8, batch_size: 8 });
    expect(out.config.experiment.name).toBe('mlp-env');
    expect(out.overrides).toStrictEqual(interpolating);
    // The hash is of the resolved values: the same config written out literally has the same identity.
    const literal = await cli('config', 'show', 'conf/quickstart.yaml', 'train.batch_size=8', 'experiment.name=mlp-env', 'train.epochs=8', '--json');
    expect(JSON.parse(literal.stdout).hash).toBe(out.hash);
  });

  it('an unresolvable override is one error naming the override and the key, exit 2', async () => {
    const { code, stderr } = await cli('config', 'show', 'conf/quickstart.yaml', 'train.batch_size=${train.epoch}');
    expect(code).toBe(2);
    expect(stderr).toBe(
      "error: command-line override 'train.batch_size=${train.epoch}': ${train.epoch} refers to 'train.epoch', which is not in the config ('train' has no key 'epoch') (key train.batch_size). Check the spelling. Did you mean 'epochs'? A key is an absolute dotted path (train.epochs); .key names a key of the same section, ..key one of the section above.\n",
    );
  });

  it('tandem run echoes the resolved values in .tandem/config.yaml and the overrides as typed', async () => {
    const outputs = mkdtempSync(join(tmpdir(), 'tandem-interp-'));
    const { code } = await cli('run', 'conf/quickstart.yaml', 'train.epochs=1', 'train.batch_size=${oc.decode:${oc.env:TANDEM_T_BATCH,32}}', '--outputs', outputs);
    expect(code).toBe(0);
    const [day] = readdirSync(outputs);
    const [time] = readdirSync(join(outputs, day));
    const meta = join(outputs, day, time, '.tandem');
    expect(parse(readFileSync(join(meta, 'config.yaml'), 'utf8')).train.batch_size).toBe(32);
    expect(parse(readFileSync(join(meta, 'overrides.yaml'), 'utf8'))).toStrictEqual(['train.epochs=1', 'train.batch_size=${oc.decode:${oc.env:TANDEM_T_BATCH,32}}']);
  });

  it('a literal \\${ is echoed escaped, so config.yaml in the run directory reads back as the same config and hash', async () => {
    const outputs = mkdtempSync(join(tmpdir(), 'tandem-interp-'));
    // A free-text value: an MLflow run tag (experiment names are restricted to file-name characters).
    const tag = "+tracker.params.tags={note:'lit\\${x}'}";
    const run = await cli('run', 'conf/quickstart.yaml', 'train.epochs=1', 'tracker.name=mlflow', `+tracker.params.tracking_uri=file:${join(outputs, 'mlruns')}`, tag, '--outputs', outputs);
    expect(run.code).toBe(0);
    const [day] = readdirSync(outputs);
    const [time] = readdirSync(join(outputs, day));
    const meta = join(outputs, day, time, '.tandem');
    const echoed = await cli('config', 'show', join(meta, 'config.yaml'), '--json');
    expect(echoed.stderr).toBe('');
    const out = JSON.parse(echoed.stdout);
    expect(out.config.tracker.params.tags).toStrictEqual({ note: 'lit${x}' });
    expect(out.hash).toBe(readFileSync(join(meta, 'config.sha256'), 'utf8').trim());
  });
});
