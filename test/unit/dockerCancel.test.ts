import * as assert from 'node:assert/strict';

import { AbortedError, abortable, delay, withTimeout } from '../../src/core/cancel';

function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

describe('cancellation helpers', () => {
  it('fires on timeout and says so', async () => {
    const scope = withTimeout(undefined, 20);
    assert.equal(scope.cause, undefined);
    await aborted(scope.signal);
    assert.equal(scope.cause, 'timeout');
    assert.equal(scope.timeoutMs, 20);
    scope.dispose();
  });

  it('fires when the caller cancels and says so, and ignores the timer afterwards', async () => {
    const caller = new AbortController();
    const scope = withTimeout(caller.signal, 30);
    caller.abort();
    assert.equal(scope.signal.aborted, true);
    assert.equal(scope.cause, 'cancelled');
    await delay(50);
    assert.equal(scope.cause, 'cancelled');
    scope.dispose();
  });

  it('starts out cancelled when the caller already is', () => {
    const caller = new AbortController();
    caller.abort();
    const scope = withTimeout(caller.signal, 1000);
    assert.equal(scope.cause, 'cancelled');
    scope.dispose();
  });

  it('keeps following the caller after the timer is cleared, not after dispose', async () => {
    const caller = new AbortController();
    const scope = withTimeout(caller.signal, 20);
    scope.clearTimeout();
    await delay(40);
    assert.equal(scope.signal.aborted, false, 'the cleared timer did not fire');
    caller.abort();
    assert.equal(scope.cause, 'cancelled');

    const other = new AbortController();
    const disposed = withTimeout(other.signal, undefined);
    disposed.dispose();
    other.abort();
    assert.equal(disposed.signal.aborted, false);
  });

  it('treats 0 and undefined as no timeout', () => {
    assert.equal(withTimeout(undefined, 0).timeoutMs, undefined);
    assert.equal(withTimeout(undefined, undefined).timeoutMs, undefined);
  });

  it('lets abortable reject at once on abort and pass results otherwise', async () => {
    const controller = new AbortController();
    const never = new Promise<number>(() => undefined);
    const racing = abortable(never, controller.signal);
    controller.abort();
    await assert.rejects(racing, AbortedError);
    assert.equal(await abortable(Promise.resolve(7), new AbortController().signal), 7);
    await assert.rejects(abortable(Promise.reject(new Error('boom')), undefined), /boom/);
  });

  it('lets delay end early on abort', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const waiting = delay(5000, controller.signal);
    controller.abort();
    await assert.rejects(waiting, AbortedError);
    assert.ok(Date.now() - started < 1000);
  });
});
