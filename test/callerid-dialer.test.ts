import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type TestApp } from './helpers/app.js';
import { backends } from './helpers/db.js';

const TOKEN = 'cid-token-0123456789abcdef';
const H = { 'x-api-token': TOKEN };

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
  });
}
