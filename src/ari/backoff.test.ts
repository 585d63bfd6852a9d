import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffDelay } from './backoff.js';

const at = (random: number) => ({ initialMs: 500, maxMs: 30_000, random: () => random });

test('the ceiling doubles with each attempt up to the maximum', () => {
  const ceilings = [0, 1, 2, 3, 4, 5, 6, 7, 40].map((n) => backoffDelay(n, at(1)));
  assert.deepEqual(ceilings, [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
});

test('full jitter: the delay is the random fraction of the ceiling', () => {
  assert.equal(backoffDelay(0, at(0)), 0);
  assert.equal(backoffDelay(2, at(0.5)), 1000);
  assert.equal(backoffDelay(3, at(0.25)), 1000);
});

test('a broken random source never gives a negative or unbounded delay', () => {
  assert.equal(backoffDelay(1, at(-3)), 0);
  assert.equal(backoffDelay(1, at(7)), 1000);
  assert.equal(backoffDelay(1, at(Number.NaN)), 1000);
});
