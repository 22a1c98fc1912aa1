import { existsSync } from 'node:fs';
import { ONNX_NODE_TEST_DIR } from '../../src/conformance/onnx-node-suite.ts';

/**
 * Why the ONNX node-test suites cannot run here, or undefined when they can. Suites skip with this reason printed,
 * so a machine without Debian's libonnx-testdata sees why (CI installs it, so there they run).
 */
export function missingNodeTestData(label: string): string | undefined {
  if (existsSync(ONNX_NODE_TEST_DIR)) return undefined;
  const reason = `no ONNX node test data at ${ONNX_NODE_TEST_DIR} (apt-get install libonnx-testdata)`;
  console.log(`[${label}] skipping: ${reason}`);
  return reason;
}
