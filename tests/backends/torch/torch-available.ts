import { TorchReference } from '../../../src/plugins/backends/torch/torch-reference.ts';

/**
 * The test file's one reference process, and why tests must skip when it cannot start (no python, no torch).
 * The reason is printed, so a skipped suite is visible in the run log.
 */
export async function openReference(file: string): Promise<{ ref: TorchReference; skip: string | undefined }> {
  const ref = new TorchReference();
  const skip = await ref.process.versions().then(
    () => undefined,
    (e: Error) => e.message,
  );
  if (skip) console.log(`[${file}] skipping the PyTorch reference tests: ${skip}`);
  return { ref, skip };
}
