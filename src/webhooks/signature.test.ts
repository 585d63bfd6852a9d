import assert from 'node:assert/strict';
import { test } from 'node:test';
import { signWebhook, verifyWebhookSignature } from './signature.js';

const at = new Date('2026-12-04T20:00:00Z');
const body = '{"id":"e1","type":"webhook.test","data":{}}';

test('a signature verifies with its secret and body, within the tolerance', () => {
  const header = signWebhook('whsec_a', body, at);
  assert.match(header, /^t=1796414400,v1=[0-9a-f]{64}$/);
  assert.equal(verifyWebhookSignature('whsec_a', header, body, { now: at }), true);
  assert.equal(
    verifyWebhookSignature('whsec_a', header, body, { now: new Date(at.getTime() + 299_000) }),
    true,
  );
});

test('another secret, a changed body, an old timestamp or a malformed header is refused', () => {
  const header = signWebhook('whsec_a', body, at);
  assert.equal(verifyWebhookSignature('whsec_b', header, body, { now: at }), false);
  assert.equal(verifyWebhookSignature('whsec_a', header, `${body} `, { now: at }), false);
  assert.equal(
    verifyWebhookSignature('whsec_a', header, body, { now: new Date(at.getTime() + 301_000) }),
    false,
  );
  assert.equal(verifyWebhookSignature('whsec_a', 'v1=abc', body, { now: at }), false);
  assert.equal(verifyWebhookSignature('whsec_a', header.replace(/v1=../, 'v1=zz'), body, { now: at }), false);
  assert.equal(verifyWebhookSignature('whsec_a', undefined, body, { now: at }), false);
});
