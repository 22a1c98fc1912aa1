import { setImmediate as nextTurn } from 'node:timers/promises';

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * Run synchronous `work` so that Ctrl-C or SIGTERM cannot stop it halfway: the signal takes effect right after it
 * returns. Without a listener the kernel ends the process at once, in the middle of a write; with one, Node only
 * queues the signal while synchronous code runs. The listener has to stay until Node has read that queue, which
 * happens in the event loop's poll phase: two turns of setImmediate later at the latest. Then it goes, and a signal
 * that came meanwhile is raised again (default action: the process ends), unless another listener is there to
 * decide (the CLI's, a run guard's).
 */
export function withSignalsDeferred<T>(work: () => T): T {
  let received: NodeJS.Signals | undefined;
  const hold = (signal: NodeJS.Signals) => {
    received ??= signal;
  };
  for (const signal of SIGNALS) process.on(signal, hold);
  try {
    return work();
  } finally {
    void nextTurn()
      .then(() => nextTurn())
      .then(() => {
        for (const signal of SIGNALS) process.off(signal, hold);
        if (received && process.listenerCount(received) === 0) process.kill(process.pid, received);
      });
  }
}
