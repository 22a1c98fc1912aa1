import { evidenceFiles } from '../../src/orchestrator/archive/entry-evidence.ts';
import type { ManifestInput } from '../../src/orchestrator/archive/manifest.ts';
import { writeArchiveEntry, type WrittenEntry } from '../../src/orchestrator/archive/write-entry.ts';
import type { ParityReport } from '../../src/parity/report.ts';
import { parityOnlyInput, type TestFileResult } from '../../src/reports/report-input.ts';

/** Provenance as collectProvenance would report it, fixed so tests do not depend on the machine. */
export function manifestInput(overrides: Partial<ManifestInput> = {}): ManifestInput {
  return {
    initiative: 'QUICKSTART-ORT-TO-TFJS',
    phase: 'tfjs-port',
    git: { commit: '0123456789abcdef0123456789abcdef01234567', dirty: false },
    configs: [{ file: 'conf/quickstart.yaml', overrides: [], hash: 'a'.repeat(64) }],
    versions: { node: 'v20.20.2', onnxruntime: '1.30.0', tfjs: '4.22.0', torch: '1.13.1' },
    host: { hostname: 'test', platform: 'linux', arch: 'x64', cpus: 2, cpuModel: 'test cpu' },
    selectors: ['conf/quickstart.yaml: quickstart/*/*'],
    verdict: 'fail',
    criteria: [{ description: 'every selected parity case passes', passed: false, detail: '10 of 13 pass' }],
    ...overrides,
  };
}

/** Archive a parity report (and optional test results) the way a plan phase does. */
export async function archiveReport(reportsRoot: string, report: ParityReport, options: { now?: Date; tests?: TestFileResult[]; manifest?: Partial<ManifestInput> } = {}): Promise<WrittenEntry> {
  const input = { ...parityOnlyInput(report), tests: options.tests ?? [] };
  const files = await evidenceFiles({ input, configs: [{ name: '1-quickstart', yaml: 'experiment: { name: quickstart }\n' }], logs: [{ name: 'parity-1', text: 'quickstart/tfjs/init: pass\n' }], vitestJson: [] });
  return writeArchiveEntry({ reportsRoot, files, manifest: manifestInput({ verdict: report.summary.verdict, ...options.manifest }), ...(options.now ? { now: options.now } : {}) });
}
