import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_ATTEMPTS, MAX_RETRY_MS, retryDelayMs } from './retry.js';

test('retries double from 30 s, cap at 6 h, and stop after the last attempt, about a day later', () => {
  const mid = () => 0.5;
  assert.equal(retryDelayMs(1, mid), 30_000);
  assert.equal(retryDelayMs(2, mid), 60_000);
  assert.equal(retryDelayMs(11, mid), MAX_RETRY_MS);
  assert.equal(retryDelayMs(MAX_ATTEMPTS, mid), null);
  let total = 0;
  for (let a = 1; a < MAX_ATTEMPTS; a++) total += retryDelayMs(a, mid)!;
  assert.ok(total > 20 * 3600_000 && total < 30 * 3600_000, `${total / 3600_000} h`);
});

test('jitter keeps each delay within ±20 %', () => {
  assert.equal(
    retryDelayMs(3, () => 0),
    96_000,
  );
  assert.equal(
    retryDelayMs(3, () => 0.999999),
    144_000,
  );
});
