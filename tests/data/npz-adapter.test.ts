// The npz adapter plugin end to end, on a PtychoPINN-like file written by numpy: specs/data-container.md "npz adapter".
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { DataContractError, DataFileNotFoundError, DataFormatError, DataKeyMissingError, DataNonFiniteError } from '../../src/data/errors.ts';
import { builtinPlugins } from '../../src/plugins/index.ts';
import { npzAdapter, type NpzAdapterParams } from '../../src/plugins/adapters/npz/npz-adapter.ts';
import { catchError, python } from './numpy.ts';

const dir = mkdtempSync(join(tmpdir(), 'tandem-npz-adapter-'));
const file = join(dir, 'ptycho.npz');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The seed project's on-disk keys (docs/reference/seed-systems.md §1.1), small: 12 patterns of 8×8, stored (N, H, W).
beforeAll(async () => {
  await python(
    `rng = np.random.default_rng(0)
np.savez(sys.argv[1],
  diffraction=rng.random((12, 8, 8), dtype=np.float32),
  xcoords=np.arange(12, dtype=np.float64), ycoords=np.arange(12, dtype=np.float64) * 2,
  probeGuess=(np.ones((8, 8)) + 1j * np.eye(8)).astype(np.complex64),
  scan_index=np.zeros(12, dtype=np.int64))
print('{}')`,
    [file],
  );
});

/** The contract example of specs/data-container.md "DataContract", so the spec's example is executed here. */
function specContract(): unknown {
  const spec = readFileSync(new URL('../../specs/data-container.md', import.meta.url), 'utf8');
  const section = spec.slice(spec.indexOf('## DataContract'));
  const block = /```yaml\n([\s\S]*?)```/.exec(section);
  if (!block) throw new Error('specs/data-container.md: the DataContract section lost its yaml example');
  return (YAML.parse(block[1]) as { keys: unknown }).keys;
}

function params(over: Partial<Record<string, unknown>> = {}): NpzAdapterParams {
  // Parsed exactly as the handshake does, so defaults are applied.
  return npzAdapter.params.parse({
    path: file,
    keys: specContract(),
    split: { validation: 0.25, seed: 3 },
    ...over,
  });
}

describe('npz adapter', () => {
  it('is registered as a built-in adapter', () => {
    expect(builtinPlugins.filter((p) => p.kind === 'adapter').map((p) => p.name)).toContain('npz');
  });

  it('loads, validates and splits the file, and reports what it resolved', async () => {
    const adapter = await npzAdapter.create(params());
    const c = adapter.container();
    expect(c.sampleCount).toBe(12);
    expect(c.split.train.length).toBe(9);
    expect(c.constants.get('probeGuess')).toMatchObject({ dtype: 'complex64', shape: [8, 8] });
    const [first] = c.epoch('train', { batchSize: 4, seed: 0, epoch: 0 });
    expect(first.tensors.get('diffraction')).toMatchObject({ dims: ['batch', 'x', 'y'], shape: [4, 8, 8], units: 'amplitude' });
    expect(adapter.effectiveSettings()).toMatchObject({
      path: file,
      sampleDim: 'batch',
      split: { validation: 0.25, seed: 3, shuffle: true },
      resolved: { sizes: { n: 12, N: 8 }, samples: { total: 12, train: 9, validation: 3 }, ignoredKeys: ['scan_index'] },
    });
  });

  it('fails at construction with typed, readable errors', async () => {
    const missing = catchError(() => npzAdapter.create(params({ path: join(dir, 'nope.npz') })));
    expect(missing).toBeInstanceOf(DataFileNotFoundError);
    expect(missing.message).toMatch(/check the path/);

    const truncated = join(dir, 'truncated.npz');
    writeFileSync(truncated, readFileSync(file).subarray(0, 900));
    expect(catchError(() => npzAdapter.create(params({ path: truncated })))).toBeInstanceOf(DataFormatError);

    const absent = catchError(() => npzAdapter.create(params({ keys: { diff3d: { dtype: 'float32', dims: ['batch', 'x', 'y'] } } })));
    expect(absent).toBeInstanceOf(DataKeyMissingError);
    expect(absent.message).toMatch(/required key "diff3d" is missing; the file holds "diffraction", "xcoords", "ycoords", "probeGuess", "scan_index"/);

    const wrongShape = catchError(() => npzAdapter.create(params({ keys: { diffraction: { dtype: 'float32', dims: ['batch', 'x', 'y'], shape: ['n', 64, 64] } } })));
    expect(wrongShape).toBeInstanceOf(DataContractError);
    expect(wrongShape.message).toMatch(/ptycho\.npz: key "diffraction": axis "x" has size 8, the contract requires 64/);

    const nan = join(dir, 'nan.npz');
    await python(`d = np.zeros((2, 3), np.float32); d[1, 2] = np.nan\nnp.savez(sys.argv[1], d=d)\nprint('{}')`, [nan]);
    const nonFinite = catchError(() => npzAdapter.create(params({ path: nan, keys: { d: { dtype: 'float32', dims: ['batch', 'x'] } } })));
    expect(nonFinite).toBeInstanceOf(DataNonFiniteError);
    expect(nonFinite.message).toMatch(/key "d" holds 1 non-finite value, the first \(NaN\) at \[batch=1, x=2\]/);
  });

  it('windows trajectories when asked (a Burgers-like file: sims × time × x)', async () => {
    const sims = join(dir, 'burgers.npz');
    await python(`np.savez(sys.argv[1], u=np.arange(3 * 7 * 4, dtype=np.float32).reshape(3, 7, 4))\nprint('{}')`, [sims]);
    const adapter = await npzAdapter.create(
      npzAdapter.params.parse({
        path: sims,
        keys: { u: { dtype: 'float32', dims: ['batch', 'time', 'x'], shape: ['*', '*', 4] } },
        split: { validation: 0.34 },
        windows: { size: 3, stride: 2 },
      }),
    );
    expect(adapter.effectiveSettings()).toMatchObject({ windows: { dim: 'time', size: 3, stride: 2 }, resolved: { windowsPerSample: 3, samples: { total: 9, validation: 3 } } });
    const window = adapter.container().gather(Int32Array.from([4])).get('u')!; // sim 1, window 1: frames 2..4
    expect(Array.from(window.data as Float32Array)).toEqual(Array.from({ length: 12 }, (_, i) => 28 + 8 + i));
  });

  it('rejects bad params before touching the file', () => {
    expect(npzAdapter.params.safeParse({ path: file, keys: { a: { dtype: 'float32', dims: ['x'] } }, windows: { size: 0 } }).success).toBe(false);
    expect(npzAdapter.params.safeParse({ path: file, keys: {} }).success).toBe(false);
    expect(npzAdapter.params.safeParse({ path: file, keys: { a: { dtype: 'float32', dims: ['x'] } }, split: { validation: 1 } }).success).toBe(false);
    expect(npzAdapter.params.safeParse({ path: file, keys: { a: { dtype: 'float32', dims: ['x'], colour: 1 } } }).success).toBe(false);
  });
});
