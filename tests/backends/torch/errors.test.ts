import { execaSync } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../../src/graph/builder.ts';
import { tensor, toNumbers } from '../../../src/graph/tensor.ts';
import { pythonError, TorchReferenceError } from '../../../src/plugins/backends/torch/torch-errors.ts';
import { TorchReference } from '../../../src/plugins/backends/torch/torch-reference.ts';
import { openReference } from './torch-available.ts';

const { ref, skip } = await openReference('errors');
afterAll(() => ref.dispose());

function matmulGraph() {
  const b = new GraphBuilder('mm');
  b.output(b.matmul(b.input('a', 'float32', [2, 3]), b.input('b', 'float32', [3, 2])), 'y');
  return b.build();
}
const goodFeeds = { a: tensor('float32', [2, 3], [1, 2, 3, 4, 5, 6]), b: tensor('float32', [3, 2], [1, 0, 0, 1, 1, 1]) };

/** A python3 that runs but has no torch (e.g. the pyenv one on PATH), when this machine has one. */
function pythonWithoutTorch(): string | undefined {
  for (const candidate of ['python3', 'python']) {
    const r = execaSync(candidate, ['-c', 'import sys\ntry:\n import torch\nexcept ImportError:\n print(sys.executable)'], { reject: false });
    if (r.exitCode === 0 && r.stdout.trim()) return r.stdout.trim();
  }
  return undefined;
}

describe('PyTorch reference errors are sentences that say what to install', () => {
  it('a python binary that does not exist', async () => {
    const missing = new TorchReference({ python: '/nonexistent/bin/python3' });
    const e = await missing.executeGraph(matmulGraph(), goodFeeds).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TorchReferenceError);
    expect((e as TorchReferenceError).failure).toBe('missing-python');
    expect((e as Error).message).toMatch(/\/nonexistent\/bin\/python3 cannot be run \(ENOENT\)/);
    expect((e as Error).message).toMatch(/apt-get install python3-torch/);
    await missing.dispose();
  });

  it('an op the installed torch lacks: the message says so and what to install, with the last frame', () => {
    // What main.py sends when an op function hits a missing torch API (e.g. an older torch without torch.fft.irfft).
    const e = pythonError('run', ' of graph "fno"', {
      type: 'NodeError',
      message: 'node "DFT_3" (DFT) failed in torch: AttributeError: module \'torch.fft\' has no attribute \'irfft\'',
      last_frame: 'File "/x/reference/ops_dft.py", line 21, in DFT: y = torch.fft.irfft(sig, n=length, dim=axis)',
      traceback: 'Traceback (most recent call last): ...',
    }, '1.7.0');
    expect(e.failure).toBe('python-error');
    expect(e.message).toMatch(/failed on "run" of graph "fno": NodeError: node "DFT_3" \(DFT\)/);
    expect(e.message).toMatch(/torch 1\.7\.0 seems to lack what this needs: install a newer torch \(`apt-get install python3-torch`/);
    expect(e.message).toMatch(/Python's last frame: File "\/x\/reference\/ops_dft\.py", line 21, in DFT/);
  });

  const noTorch = pythonWithoutTorch();
  it.skipIf(!noTorch)(`a python without torch (${noTorch ?? 'none found on PATH'})`, async () => {
    const r = new TorchReference({ python: noTorch! });
    const e = (await r.process.versions().catch((x: unknown) => x)) as TorchReferenceError;
    expect(e.failure).toBe('missing-module');
    expect(e.message).toMatch(/cannot import torch \(ModuleNotFoundError: No module named 'torch'/);
    expect(e.message).toMatch(/`apt-get install python3-torch`/);
    expect(e.lastFrame).toMatch(/File ".*main\.py", line \d+, in hello/);
    // Every later request gets the same explanation, without a new process.
    await expect(r.executeGraph(matmulGraph(), goodFeeds)).rejects.toThrow(/cannot import torch/);
    await r.dispose();
  });
});

describe.skipIf(!!skip)('failures inside the running reference', () => {
  it('an exception inside torch names the request, the graph, the node and Python\'s last frame; the process lives on', async () => {
    const bad = { a: goodFeeds.a, b: tensor('float32', [2, 2], [1, 2, 3, 4]) };
    const e = (await ref.executeGraph(matmulGraph(), bad).catch((x: unknown) => x)) as TorchReferenceError;
    expect(e.failure).toBe('python-error');
    expect(e.message).toMatch(/failed on "run" of graph "mm": NodeError: node "MatMul_0" \(MatMul\) failed in torch: RuntimeError: mat1 and mat2 shapes cannot be multiplied/);
    expect(e.lastFrame).toMatch(/File ".*reference\/ops_math\.py", line \d+, in <lambda>: "MatMul": lambda x, a: torch\.matmul/);
    expect(e.pythonTraceback).toMatch(/Traceback/);
    const ok = await ref.executeGraph(matmulGraph(), goodFeeds);
    expect(toNumbers(ok.get('y')!)).toEqual([4, 5, 10, 11]);
  });

  it('a missing feed is reported by name before torch runs anything', async () => {
    await expect(ref.executeGraph(matmulGraph(), { a: goodFeeds.a })).rejects.toThrow(/graph "mm": no value fed for input\(s\) b/);
  });

  it('a crashed process (killed) fails the request in flight and every later one, with its stderr', async () => {
    const own = new TorchReference();
    await own.process.versions();
    const inFlight = own.executeGraph(matmulGraph(), goodFeeds);
    process.kill(own.process.pid!, 'SIGKILL');
    const e = (await inFlight.catch((x: unknown) => x)) as TorchReferenceError;
    expect(e.failure).toBe('process-exit');
    expect(e.message).toMatch(/was killed by SIGKILL/);
    await expect(own.executeGraph(matmulGraph(), goodFeeds)).rejects.toThrow(/was killed by SIGKILL/);
    await own.dispose();
  });
});
