import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type Client, type TestApp } from './helpers/app.js';
import { backends } from './helpers/db.js';

const TOKEN = 'cid-token-0123456789abcdef';
const H = { 'x-api-token': TOKEN };

/** A long-lived API token of a new user of `role`, as `POST /api/me/tokens` gives it. */
async function apiToken(t: TestApp, role: 'admin' | 'staff' | 'seller'): Promise<Client> {
  const user = await t.userClient(role);
  const created = await user.post('/api/me/tokens', { name: 'dialer scripts' });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return t.client(created.body.token);
}

for (const kind of backends()) {
  describe(`the seed-003 dialer contract on ${kind}`, () => {
    let t: TestApp;
    const next = (q: string) => t.anon.request('GET', `/next-cid?${q}`, undefined, H);
    before(async () => {
      t = await startTestApp(kind, { callerIdApiToken: TOKEN });
      for (const body of [
        { caller_id: '+13125550101' }, // Chicago, global pool
        { caller_id: '+16025550101', campaign: 'SALES' }, // Phoenix, SALES's own pool
      ]) {
        assert.equal((await t.anon.request('POST', '/add-number', body, H)).status, 201);
      }
    });
    after(() => t.close());

    test('a campaign with no pool is served from the global pool and counted under its name', async () => {
      const dest = 'to=5185550100'; // New York: no number with its area code or state

      const got = await next(`${dest}&campaign=VICI_OUT7&agent=a1`);

      assert.equal(got.status, 200, JSON.stringify(got.body));
      assert.deepEqual(
        [got.body.caller_id, got.body.match, got.body.campaign],
        ['3125550101', 'global', 'VICI_OUT7'],
      );
      const own = await next(`${dest}&campaign=SALES`);
      assert.deepEqual([own.body.caller_id, own.body.match], ['6025550101', 'campaign_pool']);

      const reported = await t.anon.request(
        'POST',
        '/report-cid',
        { reservation_id: got.body.reservation_id, answered: true, billsec: 30 },
        H,
      );
      assert.equal(reported.status, 200);
      const admin = await t.userClient('admin');
      const stats = (await admin.get('/api/callerid/campaigns')).body.items as any[];
      const vici = stats.find((c) => c.campaign === 'VICI_OUT7');
      assert.deepEqual([vici?.allocations, vici?.answered, vici?.answer_rate], [1, 1, 1]);
      for (const r of [got, own])
        await t.anon.request('DELETE', `/api/reservation/${r.body.reservation_id}`, undefined, H);
    });

    test('/add-number takes an admin or staff API token as well as the caller-ID token', async () => {
      const admin = await apiToken(t, 'admin');
      const staff = await apiToken(t, 'staff');
      const seller = await apiToken(t, 'seller');

      const byAdmin = await admin.post('/add-number', { caller_id: '+13125550102' });
      const byStaff = await staff.post('/add-number', { caller_id: '+13125550103', campaign: 'SALES' });
      const bySeller = await seller.post('/add-number', { caller_id: '+13125550104' });
      const byStranger = await t.client('not-a-token').post('/add-number', { caller_id: '+13125550105' });

      assert.deepEqual([byAdmin.status, byAdmin.body.caller_id], [201, '+13125550102']);
      assert.deepEqual([byStaff.status, byStaff.body.campaign], [201, 'SALES']);
      assert.deepEqual([bySeller.status, bySeller.body.error.code], [403, 'forbidden']);
      assert.deepEqual([byStranger.status, byStranger.body.error.code], [401, 'unauthenticated']);
      // A user's token is not a dialer token: /next-cid still wants CID_API_TOKEN.
      assert.equal((await admin.get('/next-cid?to=3125550100')).status, 401);
    });
  });

  describe(`/add-number without CID_API_TOKEN on ${kind}`, () => {
    let t: TestApp;
    before(async () => (t = await startTestApp(kind)));
    after(() => t.close());

    test('an admin or staff API token adds numbers; without one the answer says what to send', async () => {
      const admin = await apiToken(t, 'admin');

      const added = await admin.post('/add-number', { caller_id: '+13125550111', carrier: 'acme' });
      const anonymous = await t.anon.post('/add-number', { caller_id: '+13125550112' });

      assert.deepEqual([added.status, added.body.caller_id], [201, '+13125550111']);
      assert.equal(anonymous.status, 401);
      assert.match(anonymous.body.error.message, /admin or staff API token.*CID_API_TOKEN/);
      const served = await t.anon.get('/next-cid?to=3125550100');
      assert.equal(served.body.caller_id, '3125550111');
    });
  });
}
