import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRateLimiter } from './rate-limit.js';

test('a key gets its burst at once, then tokens come back with time', () => {
  const limiter = createRateLimiter({ burst: 3, perSecond: 1 });
  const t0 = new Date('2026-12-04T20:00:00Z');
  for (let i = 0; i < 3; i++) assert.deepEqual(limiter.take('a', t0), { ok: true });
  assert.deepEqual(limiter.take('a', t0), { ok: false, retryAfter: 1 });
  // another key has its own bucket
  assert.deepEqual(limiter.take('b', t0), { ok: true });
  assert.deepEqual(limiter.take('a', new Date(t0.getTime() + 1000)), { ok: true });
  assert.equal(limiter.take('a', new Date(t0.getTime() + 1000)).ok, false);
});

test('only maxKeys buckets are kept: the least recently used is forgotten (starting full again)', () => {
  const limiter = createRateLimiter({ burst: 1, perSecond: 0.001, maxKeys: 2 });
  const t0 = new Date('2026-12-04T20:00:00Z');
  assert.equal(limiter.take('a', t0).ok, true);
  assert.equal(limiter.take('a', t0).ok, false);
  assert.equal(limiter.take('b', t0).ok, true);
  assert.equal(limiter.take('c', t0).ok, true); // 'a' is forgotten
  assert.equal(limiter.take('a', t0).ok, true);
});
