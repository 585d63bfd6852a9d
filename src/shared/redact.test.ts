import assert from 'node:assert/strict';
import { test } from 'node:test';
import { redactUrl } from './redact.js';

test('secret-looking query parameters are redacted, everything else kept as it was', () => {
  assert.equal(
    redactUrl('/next-cid?to=3125550100&token=s3cret&campaign=SALES'),
    '/next-cid?to=3125550100&token=[REDACTED]&campaign=SALES',
  );
  assert.equal(
    redactUrl('agi://10.0.0.1:4573/cid?password=a&api_key=b&X-Api-Key=c&client_secret=d&access%5Ftoken=e#f'),
    'agi://10.0.0.1:4573/cid?password=[REDACTED]&api_key=[REDACTED]&X-Api-Key=[REDACTED]&client_secret=[REDACTED]&access%5Ftoken=[REDACTED]#f',
  );
});

test('URLs without secrets, and odd ones, come back unchanged', () => {
  for (const url of ['/api/calls', '/next-cid?to=1&campaign=x', '/x?token', '/x?&&', '/x?%E0%A4%A=1', ''])
    assert.equal(redactUrl(url), url);
});
