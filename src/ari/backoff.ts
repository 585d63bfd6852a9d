/**
 * Reconnection delays: exponential backoff with "full jitter" (a random delay between 0 and
 * the exponential ceiling), so many CapConduit nodes that lost the same Asterisk do not all
 * come back in the same millisecond.
 */

/** Where the delays start and stop growing, and the random source of the jitter. */
export interface BackoffOptions {
  /** Ceiling of the first retry's delay, ms. */
  initialMs: number;
  /** Highest ceiling, ms. */
  maxMs: number;
  /** A number in [0, 1); Math.random unless a test injects one. */
  random: () => number;
}

/** 0.5 s doubling up to 30 s: quick after a blip, gentle on an Asterisk that is down. */
export const DEFAULT_BACKOFF: Readonly<Omit<BackoffOptions, 'random'>> = { initialMs: 500, maxMs: 30_000 };

/** The delay before retry number `attempt` (0 for the first retry). */
export function backoffDelay(attempt: number, o: BackoffOptions): number {
  const ceiling = Math.min(o.maxMs, o.initialMs * 2 ** Math.min(attempt, 30));
  const r = o.random();
  // A broken random source (NaN, 1, negative) must not yield a negative or endless delay.
  const unit = Number.isFinite(r) ? Math.min(Math.max(r, 0), 1) : 1;
  return Math.floor(unit * ceiling);
}
