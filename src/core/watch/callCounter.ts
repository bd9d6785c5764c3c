// Counts the Docker calls made through a client, for the figures in bench/
// and the tests that prove the extension is quiet at idle. A long-lived
// stream (events, followLogs) counts once, when it is opened.

import type { DockerClient } from '../docker/client';

export interface CallRecord {
  readonly method: string;
  readonly at: number;
}

export interface CountingClient {
  readonly client: DockerClient;
  /** Every call so far, oldest first. */
  readonly calls: readonly CallRecord[];
  /** Calls since `since` (ms since the epoch), optionally without some methods. */
  countSince(since: number, exclude?: readonly string[]): number;
  byMethod(): Record<string, number>;
}

export function countingClient(inner: DockerClient, now: () => number = Date.now): CountingClient {
  const calls: CallRecord[] = [];
  const client = new Proxy(inner, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (typeof value !== 'function' || typeof key !== 'string') return value;
      return (...args: unknown[]): unknown => {
        calls.push({ method: key, at: now() });
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return {
    client,
    calls,
    countSince: (since, exclude = []) =>
      calls.filter((c) => c.at >= since && !exclude.includes(c.method)).length,
    byMethod: () => {
      const out: Record<string, number> = {};
      for (const c of calls) out[c.method] = (out[c.method] ?? 0) + 1;
      return out;
    },
  };
}
