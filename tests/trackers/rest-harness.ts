import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, vi } from 'vitest';
import type { MlflowTracker } from '../../src/plugins/trackers/mlflow/mlflow-tracker.ts';
import { MockMlflowServer } from './mock-mlflow-server.ts';
import { createTracker } from './tracker-harness.ts';

/** Fast retries for tests: two tries per call, millisecond backoff, background sending on every log call. */
export const FAST_RETRY = { attempts: 2, initial_delay_ms: 1, max_delay_ms: 2, timeout_ms: 2000, flush_interval_ms: 0, reconnect_interval_ms: 0 };

export async function restTracker(url: string, extra: Record<string, unknown> = {}): Promise<MlflowTracker> {
  return createTracker({ tracking_uri: url, retry: FAST_RETRY, ...extra });
}

/** Collects the tracker's "MLflow: …" lines from stderr (and keeps them off the test output). */
export function captureWarnings(): { messages: string[]; restore: () => void } {
  const messages: string[] = [];
  const original = process.stderr.write.bind(process.stderr);
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation(((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = String(chunk);
    if (text.startsWith('MLflow:')) messages.push(text);
    else (original as (...a: unknown[]) => boolean)(chunk, ...rest);
    return true;
  }) as typeof process.stderr.write);
  return { messages, restore: () => spy.mockRestore() };
}

/** Every file under `dir` with its content, for "is the secret anywhere in the run directory" checks. */
export function allFiles(dir: string): { path: string; text: string }[] {
  const out: { path: string; text: string }[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...allFiles(path));
    else out.push({ path, text: readFileSync(path, 'latin1') });
  }
  return out;
}

/** Resolves once `condition` holds (background sending is asynchronous), or fails after `ms`. */
export async function eventually(condition: () => boolean, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A fresh mock server and captured tracker warnings around every test of the calling file. */
export function mockServerPerTest(): { readonly mock: MockMlflowServer; readonly warnings: string[] } {
  let mock: MockMlflowServer | undefined;
  let captured: ReturnType<typeof captureWarnings> | undefined;
  beforeEach(async () => {
    mock = await MockMlflowServer.start();
    captured = captureWarnings();
  });
  afterEach(async () => {
    captured?.restore();
    await mock?.close();
  });
  return {
    get mock() {
      return mock as MockMlflowServer;
    },
    get warnings() {
      return captured?.messages ?? [];
    },
  };
}
