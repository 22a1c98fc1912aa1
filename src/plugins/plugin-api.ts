/**
 * What a plugin written outside tandem imports, as `tandem/plugin` (package.json "exports"). A plugin file
 * anywhere on disk resolves it, and `zod`, from tandem's own install (src/orchestrator/plugins/plugin-module-hooks.mjs),
 * so it needs no package.json or node_modules of its own. Types only, plus the params helpers plugins share.
 */
export type { Configured, PluginDefinition, PluginKind } from '../contracts/plugin.ts';
export type { RunHooks, RunReport, RunStart, RunStatus, RunSummary, StageRecord, StageStatus, TrainStep } from '../contracts/run-hooks.ts';
export { runDirFile } from './run-dir-file.ts';
