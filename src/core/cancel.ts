// Cancellation in core is a standard AbortSignal. The extension turns VS Code's
// CancellationToken into an AbortController at its edge, so nothing here knows
// about VS Code, and the same code serves the CLI and the tests.

/** Why a {@link TimeoutScope} ended early, if it did. */
export type AbortCause = 'cancelled' | 'timeout';

/**
 * A signal that fires when the caller's signal fires or when a timeout
 * elapses, whichever comes first, and remembers which one it was.
 */
export interface TimeoutScope {
  readonly signal: AbortSignal;
  /** What fired, or undefined while neither has. */
  readonly cause: AbortCause | undefined;
  readonly timeoutMs: number | undefined;
  /** Stops the timer but keeps following the caller's signal (for streams that outlive it). */
  clearTimeout(): void;
  /** Stops the timer and stops following the caller's signal. */
  dispose(): void;
}

/**
 * Combines a caller's signal with a timeout. `timeoutMs` undefined, 0 or
 * Infinity means no timeout: only the caller can end it.
 */
export function withTimeout(
  callerSignal: AbortSignal | undefined,
  timeoutMs: number | undefined,
): TimeoutScope {
  const controller = new AbortController();
  let cause: AbortCause | undefined;
  let timer: NodeJS.Timeout | undefined;

  const onCallerAbort = (): void => {
    if (cause === undefined) {
      cause = 'cancelled';
      controller.abort(callerSignal?.reason);
    }
  };

  if (callerSignal?.aborted) {
    onCallerAbort();
  } else {
    callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
  }

  const hasTimeout = timeoutMs !== undefined && timeoutMs > 0 && Number.isFinite(timeoutMs);
  if (hasTimeout && cause === undefined) {
    timer = setTimeout(() => {
      if (cause === undefined) {
        cause = 'timeout';
        controller.abort(new Error(`timed out after ${timeoutMs} ms`));
      }
    }, timeoutMs);
  }

  const stopTimer = (): void => {
    if (timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
  };

  return {
    signal: controller.signal,
    get cause() {
      return cause;
    },
    timeoutMs: hasTimeout ? timeoutMs : undefined,
    clearTimeout: stopTimer,
    dispose() {
      stopTimer();
      callerSignal?.removeEventListener('abort', onCallerAbort);
    },
  };
}

/** The error an aborted operation rejects with when nothing better is known. */
export class AbortedError extends Error {
  constructor(message = 'The operation was cancelled') {
    super(message);
    this.name = 'AbortedError';
  }
}

/**
 * Settles like `promise`, or rejects as soon as `signal` fires. The work behind
 * `promise` is not stopped by this: pass the signal to it as well.
 */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) {
    return promise;
  }
  if (signal.aborted) {
    // The original promise may still reject later; nobody waits for it now.
    promise.catch(() => undefined);
    return Promise.reject(new AbortedError());
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => {
      promise.catch(() => undefined);
      reject(new AbortedError());
    };
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/** Resolves after `ms`, or rejects with {@link AbortedError} when `signal` fires first. */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return abortable(
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      signal?.addEventListener('abort', () => clearTimeout(timer), { once: true });
    }),
    signal,
  );
}
