// A typed event source for core code, shaped like VS Code's `Event<T>` so the
// extension can hand it on unchanged, without core importing `vscode`.

export interface Disposable {
  dispose(): void;
}

/** Subscribes a listener; the returned handle unsubscribes it. */
export type Listen<T> = (listener: (value: T) => void) => Disposable;

export class Emitter<T> {
  private listeners: ((value: T) => void)[] = [];

  readonly event: Listen<T> = (listener) => {
    this.listeners.push(listener);
    return {
      dispose: () => {
        this.listeners = this.listeners.filter((l) => l !== listener);
      },
    };
  };

  /**
   * Calls every listener. A listener that throws is reported to `onError` and
   * does not stop the others: one broken view must not stall the status bar.
   */
  fire(value: T, onError?: (error: unknown) => void): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch (error) {
        onError?.(error);
      }
    }
  }

  get listenerCount(): number {
    return this.listeners.length;
  }

  dispose(): void {
    this.listeners = [];
  }
}
