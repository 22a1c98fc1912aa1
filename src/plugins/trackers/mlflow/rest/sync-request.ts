import { spawnSync } from 'node:child_process';

/**
 * One HTTP request that completes before this function returns, for an `exit` handler (process.exit, an uncaught
 * exception): there is no event loop left for fetch, so a short-lived Node child sends it. The request travels on
 * the child's stdin, never its argv, since the headers may hold credentials. Returns whether the server answered 2xx.
 */
const CHILD = `let s = '';
process.stdin.on('data', (d) => (s += d)).on('end', async () => {
  const r = JSON.parse(s);
  try {
    const res = await fetch(r.url, { method: r.method, headers: r.headers, body: r.body, signal: AbortSignal.timeout(r.timeoutMs) });
    process.exit(res.ok ? 0 : 1);
  } catch {
    process.exit(1);
  }
});`;

export interface SyncRequest {
  readonly method: 'POST';
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly timeoutMs: number;
}

export function sendSync(request: SyncRequest): boolean {
  const child = spawnSync(process.execPath, ['-e', CHILD], { input: JSON.stringify(request), timeout: request.timeoutMs + 2000, stdio: ['pipe', 'ignore', 'ignore'] });
  return child.status === 0;
}
