import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { canonicalString, signatureMatches, signPostback, staleBy } from './signature.js';

const KEY = 'pbsk_test-key';

test('the canonical string sorts names, leaves out sig and encodes as RFC 3986', () => {
  const params = { ts: '1796414400', sig: 'x', action: 'reverse', reason: "fraud (it's) *", call_id: '7' };
  assert.equal(
    canonicalString(params),
    'action=reverse&call_id=7&reason=fraud%20%28it%27s%29%20%2A&ts=1796414400',
  );
});

test('a plain query string is its own canonical string: openssl over it gives the signature', () => {
  const params = { action: 'confirm', call_id: '1042', key_id: 'pbk_abc', nonce: 'n-1', ts: '1796414400' };
  const expected = createHmac('sha256', KEY)
    .update('action=confirm&call_id=1042&key_id=pbk_abc&nonce=n-1&ts=1796414400')
    .digest('hex');
  assert.equal(signPostback(KEY, params), expected);
});

test('a signature matches its parameters only, in either case of hex', () => {
  const params = { action: 'confirm', call_id: '1042', amount: '12.50' };
  const sig = signPostback(KEY, params);
  assert.equal(signatureMatches(KEY, { ...params, sig }, sig), true);
  assert.equal(signatureMatches(KEY, params, sig.toUpperCase()), true);
  assert.equal(signatureMatches(KEY, { ...params, amount: '125.0' }, sig), false);
  assert.equal(signatureMatches('another key', params, sig), false);
  assert.equal(signatureMatches(KEY, params, sig.slice(0, 63)), false);
  assert.equal(signatureMatches(KEY, params, 'zz'.repeat(32)), false);
});

test('a timestamp more than 5 minutes away either way is stale', () => {
  const now = new Date('2026-12-04T20:00:00Z');
  const ts = now.getTime() / 1000;
  assert.equal(staleBy(ts - 300, now), null);
  assert.equal(staleBy(ts + 300, now), null);
  assert.equal(staleBy(ts - 301, now), 301);
  assert.equal(staleBy(ts + 400, now), -400);
});
