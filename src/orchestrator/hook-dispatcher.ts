import type { RunHooks } from '../plugins/run-hooks.ts';
import { invokePlugin } from './plugins/invoke.ts';

/** A plugin that listens to run hooks, with the label its errors carry (e.g. "tracker 'mlflow'"). */
export interface HookReceiver {
  readonly label: string;
  readonly hooks: RunHooks;
}

type HookArgs<K extends keyof RunHooks> = Parameters<NonNullable<RunHooks[K]>>;

/**
 * Calls one hook on every receiver that implements it, in registration order (trackers before reporters, see
 * run-hooks.ts), awaiting each. A failing hook stops the dispatch and surfaces as a PluginError naming the plugin.
 */
export class HookDispatcher {
  constructor(private readonly receivers: readonly HookReceiver[]) {}

  async emit<K extends keyof RunHooks>(hook: K, ...args: HookArgs<K>): Promise<void> {
    for (const receiver of this.receivers) {
      const fn = receiver.hooks[hook] as ((...a: HookArgs<K>) => void | Promise<void>) | undefined;
      if (fn) await invokePlugin(receiver.label, hook, () => fn.apply(receiver.hooks, args), 1);
    }
  }
}
