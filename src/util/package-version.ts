import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** The `version` of an installed package (or of ours, by the path of its package.json); null when unreadable. */
export function packageVersion(specifier: string): string | null {
  try {
    return (require(specifier) as { version?: string }).version ?? null;
  } catch {
    return null;
  }
}

/** tandem's own version (`tandem --version`). */
export function tandemVersion(): string | null {
  return packageVersion('../../package.json');
}

/** The versions a checkpoint or report records: Node, tandem and the runtimes that execute graphs. */
export function toolVersions(): Record<string, string | null> {
  return {
    node: process.version,
    tandem: tandemVersion(),
    onnxruntime: packageVersion('onnxruntime-node/package.json'),
    tfjs: packageVersion('@tensorflow/tfjs/package.json'),
  };
}
