import type { Timers } from '../../src/ari/timers.js';

interface Pending {
  at: number;
  seq: number;
  fn: () => void;
}

/**
 * Timers that fire only when a test moves time with `advance`, in due order (timers set by a
 * firing timer run too if they fall due). `nextSet()` resolves at the next setTimeout call, so
 * a test can wait for code that reacts to network I/O to arm its next timer.
 */
export class ManualTimers implements Timers {
  #now = 0;
  #seq = 0;
  readonly #pending = new Map<number, Pending>();
  #setWaiters: ((ms: number) => void)[] = [];

  setTimeout(fn: () => void, ms: number): number {
    const id = ++this.#seq;
    this.#pending.set(id, { at: this.#now + Math.max(0, ms), seq: id, fn });
    for (const w of this.#setWaiters.splice(0)) w(ms);
    return id;
  }

  clearTimeout(handle: unknown): void {
    if (typeof handle === 'number') this.#pending.delete(handle);
  }

  /** Milliseconds moved so far. */
  get now(): number {
    return this.#now;
  }

  /** Timers set and not yet fired or cleared. */
  get pending(): number {
    return this.#pending.size;
  }

  /** The delays of the pending timers from now, soonest first. */
  get delays(): number[] {
    return [...this.#pending.values()].map((p) => p.at - this.#now).sort((a, b) => a - b);
  }

  /** Resolves with the delay of the next timer set. */
  nextSet(): Promise<number> {
    return new Promise((resolve) => this.#setWaiters.push(resolve));
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way. */
  advance(ms: number): void {
    const end = this.#now + ms;
    for (;;) {
      let next: [number, Pending] | undefined;
      for (const entry of this.#pending) {
        const p = entry[1];
        if (p.at <= end && (!next || p.at < next[1].at || (p.at === next[1].at && p.seq < next[1].seq)))
          next = entry;
      }
      if (!next) break;
      this.#pending.delete(next[0]);
      this.#now = next[1].at;
      next[1].fn();
    }
    this.#now = end;
  }
}
