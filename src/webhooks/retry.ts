/**
 * When a failed delivery is tried again: 30 s after the first attempt, doubling up to 6 h, each
 * delay spread by ±20 % so receivers that come back are not hit by every sender at once. After
 * `MAX_ATTEMPTS` attempts (about 24 h) the delivery is `failed`; a redelivery starts a new round.
 */
export const FIRST_RETRY_MS = 30_000;
export const MAX_RETRY_MS = 6 * 3600_000;
export const MAX_ATTEMPTS = 14;

/** The delay after failed attempt number `attempt` (1-based), or null: give up. `random` in [0, 1). */
export function retryDelayMs(attempt: number, random: () => number = Math.random): number | null {
  if (attempt >= MAX_ATTEMPTS) return null;
  const base = Math.min(FIRST_RETRY_MS * 2 ** (attempt - 1), MAX_RETRY_MS);
  return Math.round(base * (0.8 + 0.4 * random()));
}
