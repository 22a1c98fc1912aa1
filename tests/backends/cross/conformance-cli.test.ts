import { copyFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BackendConformance } from '../../../src/conformance/conformance-table.ts';
import { ONNX_NODE_TEST_DIR } from '../../../src/conformance/onnx-node-suite.ts';
import { cli } from '../../cli/run-cli.ts';
import { missingNodeTestData } from '../../conformance/node-test-data.ts';

const noData = missingNodeTestData('conformance/cli');
const scratch = mkdtempSync(join(tmpdir(), 'tandem-conformance-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('tandem conformance', () => {
  it.skipIf(!!noData)('runs the node tests on onnxruntime: a per-op table, exit 0 when only the listed tests do not pass', { timeout: 60_000 }, async () => {
    const r = await cli('conformance', '--backend', 'ort');
    expect(r.stderr).toMatch(/onnxruntime: \d+ node tests in/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Gemm\s+11\/11$/m);
    expect(r.stdout).toMatch(/^Resize\s+11\/23 \(12 expected\)$/m); // cubic and TF modes refused, ORT's align_corners deviation
    expect(r.stdout).not.toMatch(/^!/m);
    // The ops the onnx model's importer rewrites run too, read by that importer: the recurrent layers unrolled.
    expect(r.stdout).toMatch(/^GRU\s+4\/4$/m);
    expect(r.stdout).toMatch(/^LSTM\s+3\/4 \(1 expected\)$/m); // peepholes and sequence_lens refused
    // ONNX 1.12's test data has no Mish or GroupNormalization test (opset 18): named, not left out.
    expect(r.stdout).toMatch(/^GroupNormalization: no official node test in this ONNX's test data: an opset-18 op/m);
    expect(r.stdout).toMatch(/^Mish: no official node test in this ONNX's test data: an opset-18 op/m);
  });

  it.skipIf(!!noData)('--json gives every test result with its verdict', { timeout: 60_000 }, async () => {
    const r = await cli('conformance', '--backend', 'onnxruntime', '--json');
    const doc = JSON.parse(r.stdout) as { backends: BackendConformance[]; opsWithoutNodeTests: Record<string, string> };
    const [ort] = doc.backends;
    expect(Object.keys(doc.opsWithoutNodeTests)).toEqual(['GroupNormalization', 'Mish']);
    expect(ort.backend).toBe('onnxruntime');
    expect(ort.rows.length).toBeGreaterThan(300);
    expect(ort.unexpected).toEqual([]);
    expect(ort.expected.map((row) => row.test)).toContain('test_resize_downsample_scales_linear_align_corners');
  });

  it.skipIf(!!noData)('exits 1 and names the test when a result is not the expected one (a wrong reference output)', async () => {
    const root = join(scratch, 'node');
    for (const t of ['test_abs', 'test_neg']) cpSync(join(ONNX_NODE_TEST_DIR, t), join(root, t), { recursive: true });
    // test_neg's expected output in test_abs: same shape, other numbers.
    copyFileSync(join(ONNX_NODE_TEST_DIR, 'test_neg/test_data_set_0/output_0.pb'), join(root, 'test_abs/test_data_set_0/output_0.pb'));
    const r = await cli('conformance', '--backend', 'ort,tfjs', '--data', root);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^Abs\s+0\/1 !1\s+0\/1 !1$/m);
    expect(r.stdout).toContain('! onnxruntime test_abs: fail: test_data_set_0 output "y"');
    expect(r.stderr).toContain('conformance differs from the expected results on onnxruntime (1 unexpected');
  });

  it('says how to install the test data when it is missing (exit 2), and refuses an unknown backend', async () => {
    const r = await cli('conformance', '--data', join(scratch, 'nowhere'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('apt-get install libonnx-testdata');
    const bad = await cli('conformance', '--backend', 'jax');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--backend "jax" is not a registered backend; use one of torch, onnxruntime, tfjs, ort (onnxruntime) or all');
  });
});
