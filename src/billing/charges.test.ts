import assert from 'node:assert/strict';
import { test } from 'node:test';
import { billedSeconds, chargeFor } from './charges.js';

test('billable seconds round up to the increment', () => {
  assert.equal(billedSeconds(0, 60), 0);
  assert.equal(billedSeconds(1, 60), 60);
  assert.equal(billedSeconds(60, 60), 60);
  assert.equal(billedSeconds(61, 60), 120);
  assert.equal(billedSeconds(61, 6), 66);
  assert.equal(billedSeconds(7, 1), 7);
});

test('charge = billed minutes × rate, exact to 4 decimals', () => {
  assert.equal(chargeFor(61, 60, '0.0500'), '0.1000');
  assert.equal(chargeFor(61, 6, '0.0500'), '0.0550');
  assert.equal(chargeFor(1, 6, '0.012'), '0.0012');
  assert.equal(chargeFor(7, 1, '0.01'), '0.0012'); // 0.0011666… rounds half up
  assert.equal(chargeFor(0, 60, '1.00'), '0.0000');
  assert.equal(chargeFor(3600, 60, '0.123456'), '7.4074'); // 7.40736
  assert.equal(chargeFor(86_400, 1, '999.999999'), '1439999.9986');
});
