import type { HookDispatcher, HookReceiver } from './hook-dispatcher.ts';
import type { FrozenConfig } from './frozen-config.ts';
import type { Stage } from './workflow/stage.ts';
import type { ServiceIdentifier } from 'inversify';

/**
 * DI service identifiers. `Symbol.for` with a project prefix so identifiers survive being imported from two
 * copies of a module (extra plugin modules load through their own import path).
 */
export const TOKENS = {
  FrozenConfig: Symbol.for('tandem.FrozenConfig') as ServiceIdentifier<FrozenConfig>,
  RunDirectory: Symbol.for('tandem.RunDirectory') as ServiceIdentifier<string>,
  Stage: Symbol.for('tandem.Stage') as ServiceIdentifier<Stage>,
  HookReceiver: Symbol.for('tandem.HookReceiver') as ServiceIdentifier<HookReceiver>,
  HookDispatcher: Symbol.for('tandem.HookDispatcher') as ServiceIdentifier<HookDispatcher>,
  Workflow: Symbol.for('tandem.Workflow'),
};
