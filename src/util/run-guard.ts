import { setTimeout as sleep } from 'node:timers/promises';

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
type GuardedSignal = (typeof SIGNALS)[number];

export interface RunGuardActions {
  /** Ctrl-C or a scheduler's SIGTERM: record the run as KILLED (may be async; it gets `graceMs`). */
  readonly onSignal: (signal: GuardedSignal) => Promise<void>;
  /** The process is exiting without the run having ended (process.exit, an uncaught exception): sync only. */
  readonly onExit: () => void;
  readonly graceMs: number;
}

/**
 * Process handlers that live exactly as long as one run, so a run interrupted or crashed midway is marked killed or
 * failed instead of staying running forever: the run directory's status (run-directory.ts) and an MLflow run
 * (the mlflow tracker) each install one. Installing a SIGINT listener replaces Node's default "terminate", so after
 * recording the status the guard re-raises the signal, unless some other listener is still there to decide how
 * the process ends: the CLI's own, or a guard installed later. Each guard removes itself when called, so of
 * several the last one called re-raises, after its own action; a guard whose action is synchronous must therefore
 * be installed before one whose action is not. Returns the function that removes the handlers.
 */
export function guardRun(actions: RunGuardActions): () => void {
  const onSignal = (signal: GuardedSignal) => {
    const othersListen = process.listenerCount(signal) > 1;
    release();
    void Promise.race([actions.onSignal(signal), sleep(actions.graceMs)])
      .catch(() => undefined)
      .finally(() => {
        if (!othersListen) process.kill(process.pid, signal);
      });
  };
  const onExit = () => {
    release();
    actions.onExit();
  };
  const release = () => {
    for (const signal of SIGNALS) process.off(signal, onSignal);
    process.off('exit', onExit);
  };
  for (const signal of SIGNALS) process.on(signal, onSignal);
  process.on('exit', onExit);
  return release;
}
