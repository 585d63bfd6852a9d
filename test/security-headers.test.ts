import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type TestApp } from './helpers/app.js';

/** Security headers (issue 13: the dashboard was served with no CSP, X-Frame-Options or nosniff). */
describe('security headers', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp('pglite');
  });
  after(() => t.close());

  const csp = (h: Headers) =>
    Object.fromEntries(
      (h.get('content-security-policy') ?? '')
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .filter((d) => d[0])
        .map(([name, ...values]) => [name, values.join(' ')]),
    );

  test('the dashboard: a strict Content-Security-Policy, no framing, no sniffing, no referrer', async () => {
    for (const path of ['/', '/calls/12']) {
      const res = await fetch(t.url + path);
      const policy = csp(res.headers);
      assert.equal(policy['default-src'], "'self'", path);
      assert.equal(policy['script-src'], "'self'", path);
      assert.equal(policy['frame-ancestors'], "'none'", path);
      assert.equal(policy['object-src'], "'none'", path);
      assert.equal(res.headers.get('x-frame-options'), 'DENY');
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
      // Plain HTTP here: no HSTS (it is sent when COOKIE_SECURE says HTTPS is in front).
      assert.equal(res.headers.get('strict-transport-security'), null);
    }
  });

  test('API answers, errors included, carry them too', async () => {
    for (const res of [await fetch(`${t.url}/api/me`), await fetch(`${t.url}/health`)]) {
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(csp(res.headers)['default-src'], "'self'");
    }
  });

  test('the API explorer may use inline styles on its own pages, and nothing more', async () => {
    const res = await fetch(`${t.url}/docs/`);
    assert.equal(res.status, 200);
    const policy = csp(res.headers);
    assert.match(policy['style-src'] ?? '', /'unsafe-inline'/);
    assert.equal(policy['script-src'], "'self'");
    const dashboard = csp((await fetch(`${t.url}/`)).headers);
    assert.doesNotMatch(dashboard['style-src'] ?? '', /unsafe-inline/);
  });
});
