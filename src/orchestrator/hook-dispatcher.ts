import type { RunHooks } from '../contracts/run-hooks.ts';
import { invokePlugin } from './plugins/invoke.ts';

/**
 * What listens to run hooks — a tracker or reporter plugin, or one of the run's own records (steps.tsv, report.html)
 * — with the label its errors carry (e.g. "tracker 'mlflow'").
 */
export interface HookReceiver {
  readonly kind: 'tracker' | 'reporter';
  readonly label: string;
  readonly hooks: RunHooks;
}

type HookArgs<K extends keyof RunHooks> = Parameters<NonNullable<RunHooks[K]>>;

/**
 * Calls one hook on every receiver that implements it, awaiting each, in the order run-hooks.ts documents: trackers
 * before reporters, except at onRunEnd, where reporters go first so the files they write then (summary.json) exist
 * when a tracker uploads the run's reports. A failing hook surfaces as a PluginError naming the plugin; it stops the
 * dispatch, except at onRunEnd, which still reaches every plugin (a tracker must close its run whatever a reporter
 * did) before the first failure is thrown.
 */
export class HookDispatcher {
  /** Trackers then reporters (every hook but onRunEnd), and the reverse (onRunEnd); fixed once, as emit runs per step. */
  private readonly trackersFirst: readonly HookReceiver[];
  private readonly reportersFirst: readonly HookReceiver[];

  constructor(receivers: readonly HookReceiver[]) {
    const of = (kind: HookReceiver['kind']) => receivers.filter((r) => r.kind === kind);
    this.trackersFirst = [...of('tracker'), ...of('reporter')];
    this.reportersFirst = [...of('reporter'), ...of('tracker')];
  }

  async emit<K extends keyof RunHooks>(hook: K, ...args: HookArgs<K>): Promise<void> {
    const atEnd = hook === 'onRunEnd';
    let failure: { error: unknown } | undefined;
    for (const receiver of atEnd ? this.reportersFirst : this.trackersFirst) {
      const fn = receiver.hooks[hook] as ((...a: HookArgs<K>) => void | Promise<void>) | undefined;
      if (!fn) continue;
      try {
        await invokePlugin(receiver.label, hook, () => fn.apply(receiver.hooks, args), 1);
      } catch (error) {
        if (!atEnd) throw error;
        failure ??= { error };
      }
    }
    if (failure) throw failure.error;
  }

  /**
   * The receivers as one RunHooks object: what the training run and its trainer report to. So training is
   * observed one way, through these hooks, in their documented order, with the plugin named in any error.
   */
  asRunHooks(): Required<RunHooks> {
    return {
      onRunStart: (run) => this.emit('onRunStart', run),
      onTrainStep: (step) => this.emit('onTrainStep', step),
      logMetrics: (metrics, step) => this.emit('logMetrics', metrics, step),
      onReport: (report) => this.emit('onReport', report),
      onStageEnd: (stage) => this.emit('onStageEnd', stage),
      onRunEnd: (summary) => this.emit('onRunEnd', summary),
    };
  }
}
