import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type Client, type TestApp } from './helpers/app.js';
import { backends } from './helpers/db.js';

const TOKEN = 'cid-token-0123456789abcdef';
const H = { 'x-api-token': TOKEN };

for (const kind of backends()) {
  describe(`caller-ID pools and numbers managed by staff on ${kind}`, () => {
    let t: TestApp;
    let staff: Client;
    before(async () => {
      t = await startTestApp(kind, { callerIdApiToken: TOKEN });
      staff = await t.userClient('staff');
    });
    after(() => t.close());

    test('a campaign pool is used for its campaign; a disabled number is never handed out', async () => {
      const pool = await staff.post('/api/callerid/pools', { name: 'Sales', campaign: 'SALES' });
      assert.equal(pool.status, 201);
      assert.equal(
        (await staff.post('/api/callerid/pools', { name: 'sales', campaign: 'OTHER' })).status,
        409,
      );
      const added = await t.anon.request(
        'POST',
        '/add-number',
        { caller_id: '+17135550101', campaign: 'SALES' },
        H,
      );
      assert.equal(added.status, 201);

      assert.equal(
        (await staff.patch(`/api/callerid/numbers/${added.body.id}`, { status: 'disabled' })).status,
        204,
      );
      const none = await t.anon.request('GET', '/next-cid?to=7135550100&campaign=SALES', undefined, H);
      assert.equal(none.status, 409);
      await staff.patch(`/api/callerid/numbers/${added.body.id}`, { status: 'active', hourly_limit: 5 });
      const ok = await t.anon.request('GET', '/next-cid?to=7135550100&campaign=SALES', undefined, H);
      assert.deepEqual([ok.status, ok.body.caller_id, ok.body.match], [200, '7135550101', 'area_code']);
      // the campaign's numbers are not in the global pool
      assert.equal((await t.anon.request('GET', '/next-cid?to=7135550100', undefined, H)).status, 409);

      const pools = await staff.get('/api/callerid/pools');
      assert.deepEqual(
        pools.body.items.map((p: any) => [p.name, p.campaign, p.numbers]),
        [['Sales', 'SALES', 1]],
      );
      assert.equal((await staff.del(`/api/callerid/pools/${pool.body.id}`)).status, 409);
      assert.equal((await staff.del(`/api/callerid/numbers/${added.body.id}`)).status, 204);
      assert.equal((await staff.del(`/api/callerid/pools/${pool.body.id}`)).status, 204);
      assert.equal((await staff.patch('/api/callerid/numbers/999999', { status: 'active' })).status, 404);
    });

    test("a seller runs their own campaign pools; another seller's pools and numbers are 404", async () => {
      const a = await t.userClient('seller');
      const b = await t.userClient('seller');
      assert.equal((await a.post('/api/callerid/pools', { name: 'A global?' })).status, 400);
      const pool = await a.post('/api/callerid/pools', { name: 'A pool', campaign: 'A-CAMP' });
      assert.equal(pool.status, 201);
      assert.equal(pool.body.seller_id, a.user.id);
      const num = await a.post('/api/callerid/numbers', {
        caller_id: '+14045550101',
        pool_id: pool.body.id,
        daily_limit: 50,
      });
      assert.equal(num.status, 201, JSON.stringify(num.body));
      const ok = await t.anon.request('GET', '/next-cid?to=4045550100&campaign=A-CAMP', undefined, H);
      assert.deepEqual([ok.status, ok.body.caller_id], [200, '4045550101']);

      for (const [method, path, body] of [
        ['PATCH', `/api/callerid/pools/${pool.body.id}`, { name: 'mine' }],
        ['DELETE', `/api/callerid/pools/${pool.body.id}`, undefined],
        ['PATCH', `/api/callerid/numbers/${num.body.id}`, { status: 'disabled' }],
        ['DELETE', `/api/callerid/numbers/${num.body.id}`, undefined],
        ['POST', '/api/callerid/numbers', { caller_id: '+14045550102', pool_id: pool.body.id }],
      ] as const) {
        const res = await b.request(method, path, body);
        assert.equal(res.status, 404, `${method} ${path}`);
      }
      assert.deepEqual((await b.get('/api/callerid/pools')).body.items, []);
      assert.equal((await b.get('/api/callerid/numbers')).body.total, 0);
      assert.equal((await a.get('/api/callerid/numbers')).body.total, 1);
      assert.equal(
        (await staff.get('/api/callerid/pools')).body.items.some((p: any) => p.name === 'A pool'),
        true,
      );
    });

    test('CSV over HTTP: a dirty file is imported with a per-row report, and exported again', async () => {
      const csv =
        'caller_id,carrier,daily_limit\n+12025550101,acme,10\nnot a number,x,\n+12025550101,dup,\n+12025550102,,0\n';
      const res = await staff.request('POST', '/api/callerid/import', csv, { 'content-type': 'text/csv' });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual([res.body.total, res.body.inserted], [4, 1]);
      assert.deepEqual(
        res.body.rejected.map((r: any) => r.row),
        [2, 3, 4],
      );
      assert.match(res.body.rejected[1].reason, /duplicate in this file/);
      const out = await staff.get('/api/callerid/export.csv');
      assert.equal(out.status, 200);
      assert.match(out.body, /^caller_id,campaign,carrier/);
      assert.match(out.body, /\+12025550101,,acme/);
      const seller = await t.userClient('seller');
      assert.equal(
        (await seller.request('POST', '/api/callerid/import', csv, { 'content-type': 'text/csv' })).status,
        403,
      );
    });
  });
}
