import { runParity } from '../parity/run-parity.ts';
import { builtinPlugins } from '../composition-root.ts';
import type { ParityRunner } from './run-phase.ts';

/**
 * The parity engine (src/orchestrator/parity/run-parity.ts) as a plan phase calls it: one experiment config,
 * its selectors, one progress line per case. The engine's own run directory (under `outputsRoot`) keeps its
 * copy of parity.json; the archive entry gets another.
 */
export function engineParityRunner(outputsRoot: string): ParityRunner {
  return async (group, log) => {
    const { report, runDir } = await runParity({
      configFile: group.configFile,
      overrides: group.overrides,
      builtins: builtinPlugins,
      outputsRoot,
      selectors: group.selectors,
      onCase: (c) => log(`${c.id}: ${c.verdict}${c.reason ? ` (${c.reason})` : ''} in ${c.timing.seconds.toFixed(2)} s`),
    });
    log(`engine run directory: ${runDir}`);
    return report;
  };
}
