/**
 * Runs callbacks one after another: a callback that returns a promise holds the next one
 * until it settles, so events reach the connector in the order Asterisk sent them even when
 * handling one takes a database round trip.
 */
export class SerialQueue {
  readonly #tasks: (() => unknown)[] = [];
  readonly #onError: (err: unknown) => void;
  #running = false;

  /** `onError` receives what a task threw or rejected with; the queue goes on. */
  constructor(onError: (err: unknown) => void) {
    this.#onError = onError;
  }

  /** Runs `task` after every task pushed before it (at once, synchronously, when idle). */
  push(task: () => unknown): void {
    this.#tasks.push(task);
    if (!this.#running) void this.#drain();
  }

  /** Forgets the tasks not started yet. */
  clear(): void {
    this.#tasks.length = 0;
  }

  /** Tasks waiting to run. */
  get pending(): number {
    return this.#tasks.length;
  }

  async #drain(): Promise<void> {
    this.#running = true;
    try {
      for (let task = this.#tasks.shift(); task; task = this.#tasks.shift()) {
        try {
          const result = task();
          if (isThenable(result)) await result;
        } catch (err) {
          this.#safeOnError(err);
        }
      }
    } finally {
      this.#running = false;
    }
  }

  #safeOnError(err: unknown): void {
    try {
      this.#onError(err);
    } catch {
      // The error callback itself failed: nothing is left to tell, and the queue must go on.
    }
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === 'function';
}
