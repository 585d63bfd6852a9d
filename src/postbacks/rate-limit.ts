/**
 * A token bucket per key, in process memory: each CapConduit process lets one postback key make
 * `burst` requests at once and `perSecond` a second after that. It protects the database from a
 * runaway CRM (or someone guessing) without a shared store; with N api processes behind a load
 * balancer a key may make N times as many. Pure apart from the clock it is given.
 */
export interface RateLimiter {
  /** Takes a token for `key` at `now`; when none is left, the seconds to wait for the next. */
  take(key: string, now: Date): { ok: true } | { ok: false; retryAfter: number };
}

export function createRateLimiter(opts: { burst: number; perSecond: number; maxKeys?: number }): RateLimiter {
  const maxKeys = opts.maxKeys ?? 10_000;
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(key, now) {
      const t = now.getTime();
      const b = buckets.get(key) ?? { tokens: opts.burst, at: t };
      b.tokens = Math.min(opts.burst, b.tokens + (Math.max(0, t - b.at) / 1000) * opts.perSecond);
      b.at = t;
      // the most recently used last, so the oldest is dropped when too many keys are tracked
      buckets.delete(key);
      if (buckets.size >= maxKeys) buckets.delete(buckets.keys().next().value!);
      buckets.set(key, b);
      if (b.tokens < 1) return { ok: false, retryAfter: Math.ceil((1 - b.tokens) / opts.perSecond) };
      b.tokens -= 1;
      return { ok: true };
    },
  };
}
