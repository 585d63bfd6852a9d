import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type Client, type TestApp } from './helpers/app.js';
import { backends } from './helpers/db.js';

function assertErrorShape(body: any, status: number, label: string): void {
  assert.equal(typeof body?.error?.code, 'string', `${label}: ${JSON.stringify(body)}`);
  assert.equal(typeof body.error.message, 'string', label);
  assert.ok(status >= 400 && status < 500, `${label} → ${status}`);
}

for (const kind of backends()) {
  describe(`validation on ${kind}`, () => {
    let t: TestApp;
    let admin: Client;
    let seller: Client;
    let campaignId: number;
    let clientId: number;
    let poolId: number;
    before(async () => {
      t = await startTestApp(kind);
      admin = await t.userClient('admin');
      seller = await t.userClient('seller');
      campaignId = (await seller.post('/api/campaigns', { name: 'V' })).body.id;
      clientId = (
        await admin.post('/api/clients', { name: 'C', client_identifier: 'cv', sip_host: '192.0.2.3' })
      ).body.id;
      poolId = (await admin.post('/api/callerid/pools', { name: 'V pool', campaign: 'VPOOL' })).body.id;
    });
    after(() => t.close());

    test('malformed JSON is a 400 with the error shape', async () => {
      for (const raw of ['{', '{"name": }', 'not json', '[1,2', '"unterminated']) {
        const res = await seller.request('POST', '/api/campaigns', raw);
        assert.equal(res.status, 400, raw);
        assertErrorShape(res.body, res.status, raw);
      }
    });

    test('a body that is not JSON is 415, an empty JSON body is 400', async () => {
      const form = await seller.request('POST', '/api/campaigns', 'name=x', {
        'content-type': 'application/x-www-form-urlencoded',
      });
      assert.equal(form.status, 415);
      assertErrorShape(form.body, form.status, 'form');
      const empty = await seller.request('POST', '/api/campaigns', '', {
        'content-type': 'application/json',
      });
      assert.equal(empty.status, 400);
      assertErrorShape(empty.body, empty.status, 'empty');
    });

    const cases: [label: string, method: string, path: () => string, body: unknown, field: RegExp][] = [
      [
        'wrong type: string for integer',
        'POST',
        () => '/api/campaigns',
        { name: 'x', dial_timeout_seconds: '30' },
        /dial_timeout_seconds/,
      ],
      ['wrong type: number for name', 'POST', () => '/api/campaigns', { name: 42 }, /name/],
      ['a name of spaces only', 'POST', () => '/api/campaigns', { name: ' \t  ' }, /name must not be blank/],
      [
        'a time zone abbreviation',
        'POST',
        () => '/api/campaigns',
        { name: 'tz', timezone: 'EST' },
        /timezone/,
      ],
      [
        'a time zone with spaces',
        'POST',
        () => '/api/campaigns',
        { name: 'tz', timezone: ' UTC' },
        /timezone/,
      ],
      [
        'a client in a POSIX offset',
        'POST',
        () => '/api/clients',
        { name: 'tz', client_identifier: 'tz1', sip_host: 'h', timezone: '-05:00' },
        /timezone/,
      ],
      [
        'a rename to spaces',
        'PATCH',
        () => `/api/campaigns/${campaignId}`,
        { name: '   ' },
        /name must not be blank/,
      ],
      [
        'a client named with spaces',
        'POST',
        () => '/api/clients',
        { name: '  ', client_identifier: 'blank1', sip_host: 'h' },
        /name must not be blank/,
      ],
      ['unknown field', 'POST', () => '/api/campaigns', { name: 'x', colour: 'red' }, /colour/],
      [
        'enum out of set',
        'POST',
        () => '/api/campaigns',
        { name: 'x', routing_strategy: 'random' },
        /routing_strategy/,
      ],
      ['bad time zone', 'POST', () => '/api/campaigns', { name: 'x', timezone: 'Mars/Olympus' }, /timezone/],
      [
        'bad hours format',
        'POST',
        () => '/api/campaigns',
        { name: 'x', business_hours: { mon: [{ start: '9am', end: '17:00' }] } },
        /start/,
      ],
      [
        'hours ending before they start',
        'POST',
        () => '/api/campaigns',
        { name: 'x', business_hours: { mon: [{ start: '17:00', end: '09:00' }] } },
        /business_hours/,
      ],
      ['negative cap', 'PATCH', () => `/api/campaigns/${campaignId}`, { daily_cap: -1 }, /daily_cap/],
      [
        'concurrency zero',
        'POST',
        () => `/api/campaigns/${campaignId}/links`,
        () => ({ client_id: clientId, max_concurrency: 0 }),
        /max_concurrency/,
      ],
      [
        'total cap too large',
        'POST',
        () => `/api/campaigns/${campaignId}/links`,
        () => ({ client_id: clientId, total_calls_allowed: 1e12 }),
        /total_calls_allowed/,
      ],
      [
        'fractional cap',
        'POST',
        () => `/api/campaigns/${campaignId}/links`,
        () => ({ client_id: clientId, hourly_cap: 2.5 }),
        /hourly_cap/,
      ],
      [
        'weight out of range',
        'POST',
        () => `/api/campaigns/${campaignId}/links`,
        () => ({ client_id: clientId, weight: 0 }),
        /weight/,
      ],
      [
        'negative payout',
        'POST',
        () => `/api/campaigns/${campaignId}/links`,
        () => ({ client_id: clientId, payout: '-1' }),
        /payout/,
      ],
      [
        'payout with 5 decimals',
        'POST',
        () => `/api/campaigns/${campaignId}/links`,
        () => ({ client_id: clientId, payout: '1.23456' }),
        /payout/,
      ],
      ['empty patch', 'PATCH', () => `/api/campaigns/${campaignId}`, {}, /./],
      ['null where not nullable', 'PATCH', () => `/api/campaigns/${campaignId}`, { name: null }, /name/],
      ['body is an array', 'POST', () => '/api/campaigns', [], /./],
      ['id not a number', 'GET', () => '/api/campaigns/abc', undefined, /id/],
      ['id zero', 'GET', () => '/api/campaigns/0', undefined, /id/],
      ['id too big', 'GET', () => '/api/campaigns/99999999999999999999', undefined, /id/],
      ['limit out of range', 'GET', () => '/api/campaigns?limit=100000', undefined, /limit/],
      [
        'bad client identifier',
        'POST',
        () => '/api/clients',
        { name: 'x', client_identifier: 'has space' },
        /client_identifier/,
      ],
      [
        'bad codec',
        'POST',
        () => '/api/clients',
        { name: 'x', client_identifier: 'ok1', sip_host: 'h', codecs: ['mp3'] },
        /codecs/,
      ],
      [
        'static client without host',
        'POST',
        () => '/api/clients',
        { name: 'x', client_identifier: 'ok2' },
        /sip_host/,
      ],
      [
        'username without password',
        'POST',
        () => '/api/clients',
        { name: 'x', client_identifier: 'ok3', sip_host: 'h', auth_username: 'u' },
        /auth_password/,
      ],
      [
        'port out of range',
        'POST',
        () => '/api/clients',
        { name: 'x', client_identifier: 'ok4', sip_host: 'h', sip_port: 70000 },
        /sip_port/,
      ],
      [
        'setting of the wrong type',
        'PUT',
        () => '/api/settings/billing.increment_seconds',
        { value: 'six' },
        /increment/,
      ],
      [
        'setting out of bounds',
        'PUT',
        () => '/api/settings/billing.increment_seconds',
        { value: 0 },
        /between/,
      ],
      ['top-up of zero', 'POST', () => '/api/balances/1/topup', { amount: 0 }, /positive/],
      ['top-up not a number', 'POST', () => '/api/balances/1/topup', { amount: 'ten' }, /amount/],
      // money bounds: src/shared/money-limits.ts, the same rule the web forms apply
      [
        'top-up beyond the limit',
        'POST',
        () => '/api/balances/1/topup',
        { amount: '9999999999.9999' },
        /amount must be from -1,000,000 to 1,000,000/,
      ],
      ['top-up as a huge number', 'POST', () => '/api/balances/1/topup', { amount: 1e15 }, /amount/],
      [
        'top-up in tenths of a cent',
        'POST',
        () => '/api/balances/1/topup',
        { amount: '1.00001' },
        /4 decimal/,
      ],
      [
        'payout beyond the limit',
        'POST',
        () => `/api/campaigns/${campaignId}/links`,
        () => ({ client_id: clientId, payout: '100000.01' }),
        /payout must be from 0 to 100,000/,
      ],
      [
        'negative rate',
        'POST',
        () => '/api/users',
        {
          email: 'r@b.co',
          name: 'n',
          role: 'seller',
          password: 'long-enough',
          billing_rate_per_minute: '-1',
        },
        /billing_rate_per_minute must not be negative/,
      ],
      [
        'bad e-mail',
        'POST',
        () => '/api/users',
        { email: 'nope', name: 'n', role: 'seller', password: 'long-enough' },
        /email/,
      ],
      [
        'short password',
        'POST',
        () => '/api/users',
        { email: 'a@b.co', name: 'n', role: 'seller', password: 'short' },
        /password/,
      ],
      [
        'unknown role',
        'POST',
        () => '/api/users',
        { email: 'a@b.co', name: 'n', role: 'root', password: 'long-enough' },
        /role/,
      ],
      ['bad phone number', 'POST', () => '/api/dids', { number: '12' }, /number|not/],
      ['letters in phone number', 'POST', () => '/api/dids', { number: '+1 415 CALL NOW' }, /characters/],
      // PostgreSQL can store neither; the database's refusal is a 400, not a 500.
      [
        'NUL in a name',
        'POST',
        () => '/api/clients',
        { name: 'a\u0000b', client_identifier: 'nul1', sip_host: 'h' },
        /NUL/,
      ],
      [
        'NUL in JSON metadata',
        'POST',
        () => '/api/callerid/numbers',
        () => ({ caller_id: '+12125550177', pool_id: poolId, meta: { note: '\u0000' } }),
        /NUL/,
      ],
    ];

    for (const [label, method, path, body, field] of cases) {
      test(`${label} → 400 naming the problem`, async () => {
        const asAdmin =
          /settings|users|dids|clients|topup|callerid/.test(path()) && !path().includes('/links');
        const res = await (asAdmin ? admin : seller).request(
          method,
          path(),
          typeof body === 'function' ? body() : body,
        );
        assert.equal(res.status, 400, `${label}: ${res.status} ${JSON.stringify(res.body)}`);
        assertErrorShape(res.body, res.status, label);
        assert.match(
          `${res.body.error.message} ${JSON.stringify(res.body.error.details ?? '')}`,
          field,
          label,
        );
      });
    }

    test('names are stored trimmed', async () => {
      const c = await seller.post('/api/campaigns', { name: '  Solar leads \t' });
      assert.equal(c.status, 201, JSON.stringify(c.body));
      assert.equal(c.body.name, 'Solar leads');
      const renamed = await seller.request('PATCH', `/api/campaigns/${c.body.id}`, { name: ' Solar  ' });
      assert.equal(renamed.body.name, 'Solar');
      assert.equal((await seller.request('DELETE', `/api/campaigns/${c.body.id}`)).status < 300, true);
    });

    test('nothing invalid was stored', async () => {
      const list = await seller.get('/api/campaigns');
      assert.equal(list.body.total, 1);
      const links = await seller.get(`/api/campaigns/${campaignId}/links`);
      assert.equal(links.body.items.length, 0);
    });

    test('unknown routes get the error shape too', async () => {
      const res = await seller.get('/api/nope');
      assert.equal(res.status, 404);
      assertErrorShape(res.body, 404, 'unknown route');
    });

    test('a body over 1 MiB is 413', async () => {
      const res = await seller.post('/api/campaigns', { name: 'x'.repeat(1_100_000) });
      assert.equal(res.status, 413);
      assertErrorShape(res.body, 413, 'large');
    });
  });
}
