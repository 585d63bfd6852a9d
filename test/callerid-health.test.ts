import assert from 'node:assert/strict';
import type { AddressInfo, Server } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createCallerIdAgiHandlers } from '../src/agi/callerid.scripts.js';
import { createAgiServer } from '../src/agi/server.js';
import { runScript } from './helpers/agi-client.js';
import { startTestApp, type Client, type TestApp } from './helpers/app.js';
import { backends } from './helpers/db.js';

const TOKEN = 'cid-token-0123456789abcdef';
const H = { 'x-api-token': TOKEN };
const quiet = { info() {}, warn() {}, error() {}, debug() {} };

for (const kind of backends()) {
  describe(`caller-ID outcomes, cooldown and statistics on ${kind}`, () => {
    let t: TestApp;
    let admin: Client;
    let agi: Server;
    let port: number;
    const next = (q: string) => t.anon.request('GET', `/next-cid?${q}`, undefined, H);
    const report = (id: number, answered: boolean, billsec = 0) =>
      t.anon.request('POST', '/report-cid', { reservation_id: id, answered, billsec }, H);

    before(async () => {
      t = await startTestApp(kind, { callerIdApiToken: TOKEN });
      admin = await t.userClient('admin');
      await admin.put('/api/settings/callerid.cooldown_window_calls', { value: 4 });
      await admin.put('/api/settings/callerid.cooldown_min_answer_rate', { value: '0.5' });
      await admin.put('/api/settings/callerid.cooldown_minutes', { value: 30 });
      agi = createAgiServer({
        handlers: createCallerIdAgiHandlers({ callerId: t.services.callerId }),
        allow: [],
        log: quiet,
      });
      await new Promise<void>((r) => agi.listen(0, '127.0.0.1', r));
      port = (agi.address() as AddressInfo).port;
    });
    after(async () => {
      await new Promise<void>((r) => agi.close(() => r()));
      await t.close();
    });

    test('a number answered too rarely goes to cooldown by itself, and comes back by itself', async () => {
      await t.anon.request('POST', '/add-number', { caller_id: '+13125550101' }, H);
      // used 4 times and answered once: 25 % < 50 %
      for (const answered of [true, false, false, false]) {
        const r = await next('to=3125550100');
        assert.equal(r.body.caller_id, '3125550101', JSON.stringify(r.body));
        assert.equal((await report(r.body.reservation_id, answered, answered ? 40 : 0)).status, 200);
        t.clock.advance(1000);
      }
      const health = await admin.get('/api/callerid/numbers?area_code=312');
      const n1 = health.body.items.find((n: any) => n.caller_id === '+13125550101');
      assert.equal(n1.status, 'cooldown');
      assert.deepEqual([n1.reported, n1.answered, n1.answer_rate, n1.avg_billsec], [4, 1, 0.25, 40]);
      const cooling = await next('to=3125550100');
      assert.deepEqual([cooling.status, cooling.body.error.details.reason], [409, 'all_in_cooldown']);

      t.clock.advance(31 * 60_000);
      const back = await next('to=3125550100');
      assert.equal(back.body.caller_id, '3125550101');
      const again = await admin.get('/api/callerid/numbers?area_code=312');
      assert.equal(again.body.items.find((n: any) => n.caller_id === '+13125550101').status, 'active');
      await report(back.body.reservation_id, true, 5);
      await t.anon.request('POST', '/add-number', { caller_id: '+13125550102' }, H);
    });

    test('a repeated or unknown report is a 404 and changes nothing', async () => {
      const r = await next('to=3125550100');
      assert.equal((await report(r.body.reservation_id, true, 10)).status, 200);
      assert.equal((await report(r.body.reservation_id, false)).status, 404);
      assert.equal((await report(999_999, false)).status, 404);
    });

    test('FastAGI: cid sets CALLERID(num) and the reservation; cid-end reports the outcome', async () => {
      t.clock.advance(3600_000);
      const r = await runScript(port, { script: 'cid?to=3125550100&agent=7001', uniqueid: 'o1' });
      assert.equal(r.vars.CC_CID_STATUS, 'ok');
      assert.equal(r.vars['CALLERID(num)'], r.vars.CC_CID);
      assert.match(r.vars.CC_CID!, /^312555010[12]$/, JSON.stringify(r.vars));
      const end = await runScript(port, {
        script: 'cid-end',
        uniqueid: 'o1',
        args: [r.vars.CC_CID_RESERVATION!, 'ANSWER', '33'],
      });
      assert.deepEqual(end.commands, []);
      const { rows } = await t.db.query<any>(
        'SELECT answered, billsec FROM callerid_allocations WHERE id = $1',
        [Number(r.vars.CC_CID_RESERVATION)],
      );
      assert.deepEqual(rows[0], { answered: true, billsec: 33 });
      const none = await runScript(port, { script: 'cid?to=12', uniqueid: 'o2' });
      assert.deepEqual(none.vars, { CC_CID_REASON: 'validation_failed', CC_CID_STATUS: 'none' });
    });

    test('FastAGI and HTTP give the same reason when no number is free', async () => {
      let refused: any;
      for (let i = 0; i < 20 && !refused; i++) {
        const r = await next('to=3125550100&campaign=reasons');
        if (r.status === 409) refused = r.body;
      }
      assert.ok(refused, 'the pool ran out');
      const reason = refused.error.details.reason;
      assert.match(reason, /^(pool_empty|all_reserved|all_in_cooldown|all_at_limit)$/);
      const agi = await runScript(port, { script: 'cid?to=3125550100&campaign=reasons', uniqueid: 'o3' });
      assert.deepEqual(agi.vars, { CC_CID_REASON: reason, CC_CID_STATUS: 'none' });
    });

    test('per-campaign statistics count allocations, answers and billsec', async () => {
      const res = await admin.get('/api/callerid/campaigns?hours=240');
      const global = res.body.items.find((c: any) => c.campaign === null);
      assert.ok(global.allocations >= 6);
      assert.ok(global.answered >= 2);
      assert.ok(global.answer_rate > 0 && global.answer_rate <= 1);
    });
  });
}
