// Starting a container watcher and waiting on what it reports, for the event
// and health tests: a listener is always in place before the step that makes
// the event, so an event that comes quickly is never missed.
import type { ContainerWatcher, WatchStatus } from '../../../src/core/watch/containerWatcher';
import { nextMatching } from '../healthSupport';

/** Starts the watcher and resolves once it says it is live. */
export async function startLive(watcher: ContainerWatcher, timeoutMs = 20_000): Promise<void> {
  const live = nextMatching<WatchStatus>(
    'live',
    watcher.onStatusChanged,
    (s) => s.phase === 'live',
    timeoutMs,
  );
  watcher.start();
  await live;
}

/**
 * Runs `act`, then resolves with the first value `subscribe` delivers that
 * passes `test`, counting from before `act` started.
 */
export async function matchingAfter<T>(
  act: () => Promise<unknown>,
  what: string,
  subscribe: (listener: (value: T) => void) => { dispose(): void },
  test: (value: T) => boolean,
  timeoutMs: number,
): Promise<T> {
  const next = nextMatching<T>(what, subscribe, test, timeoutMs);
  await act();
  return next;
}
