import type { RedisOptions } from 'bullmq';

/**
 * How every tandem process talks to Redis (spec: specs/sweeps.md §5). When Redis goes away, ioredis reconnects
 * forever with a capped backoff (`retryStrategy` never gives up), and `maxRetriesPerRequest: null` makes commands
 * wait for the reconnect instead of failing: a worker or a waiting submitter resumes on its own once Redis is back.
 * BullMQ requires `maxRetriesPerRequest: null` for the blocking connections of workers anyway.
 */
export function redisConnection(url: string): RedisOptions {
  return { url, maxRetriesPerRequest: null, enableOfflineQueue: true, retryStrategy: reconnectDelayMs };
}

/** 200 ms, 400 ms, … capped at 3 s: quick after a blip, and a restarted Redis is found within 3 s. */
export function reconnectDelayMs(attempt: number): number {
  return Math.min(100 * 2 ** attempt, 3000);
}

/** True for the errors of a lost or refused connection (retried by the client), as opposed to a failed command. */
export function isConnectionError(error: Error & { code?: string }): boolean {
  return /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND|EHOSTUNREACH|ENETUNREACH)$/.test(error.code ?? '') || /connection is closed/i.test(error.message);
}

/** Our own keys beside BullMQ's: how many times each job actually trained (not reused), per queue. */
export function executionsKey(queue: string): string {
  return `tandem:${queue}:executions`;
}

/** A Redis URL without its password, for messages. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}
