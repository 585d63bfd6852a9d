import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { backends } from './helpers/db.js';
import { callFlow } from './helpers/calls.js';
import { scenario } from './helpers/scenario.js';
import { linkCounters, startServices, type TestServices } from './helpers/services.js';

let uid = 0;
const call = () => `buyer-caps-${process.pid}.${++uid}`;

for (const kind of backends()) {
  describe(`buyers' caps on answered calls, and buyers pausing by themselves, on ${kind}`, () => {
    let t: TestServices;
    let c: ReturnType<typeof callFlow>;
    before(async () => {
      t = await startServices(kind);
      c = callFlow(t.s);
    });
    after(() => t.close());

    test('a cap on answered calls counts short answered calls; a cap on conversions does not', async () => {
      const sc = await scenario(t.s, {
        links: [
          { forwarding_priority: 1, daily_cap: 2, min_billable_duration: 60, cap_counts: 'answered' },
          { forwarding_priority: 2, daily_cap: 2, min_billable_duration: 60 },
        ],
      });
      for (let i = 0; i < 2; i++) {
        const id = call();
        const d = await c.route(id, sc.did);
        assert.equal(d.action === 'dial' && d.linkId, sc.links[0]);
        await c.end(id, 'ANSWER', { billsec: 10 }); // answered, too short to convert
      }
      assert.deepEqual(
        [
          (await linkCounters(t.db, sc.links[0]!)).day_count,
          (await linkCounters(t.db, sc.links[0]!)).current_total_calls,
        ],
        [2, 2],
      );
      // link 0 is full on answered calls: link 1 takes the next ones, and short calls do not fill it
      for (let i = 0; i < 3; i++) {
        const id = call();
        const d = await c.route(id, sc.did);
        assert.equal(d.action === 'dial' && d.linkId, sc.links[1], `call ${i}`);
        await c.end(id, 'ANSWER', { billsec: 10 });
      }
      assert.equal((await linkCounters(t.db, sc.links[1]!)).day_count, 0);
      const notices = await t.db.query<any>(
        `SELECT title, data FROM notifications WHERE kind = 'cap_reached' AND data->>'link_id' = $1`,
        [String(sc.links[0])],
      );
      assert.equal(notices.rows.length, 1, 'the cap on answered calls announced once');
    });

    test('a buyer leaving 3 calls unanswered in an hour is paused for its minutes, announced, and resumes by itself', async () => {
      const sc = await scenario(t.s, {
        links: [{ forwarding_priority: 1 }, { forwarding_priority: 2 }],
      });
      await t.s.clients.update(sc.clients[0]!.id, { auto_pause_unanswered: 3, auto_pause_minutes: 30 });
      // one unanswered then answered elsewhere (a failover), two that end unanswered
      const a = call();
      await c.route(a, sc.did);
      await c.next(a, 'NOANSWER');
      await c.end(a, 'ANSWER', { billsec: 40 });
      assert.equal((await t.s.autoPause.run()).paused.length, 0, 'one unanswered is not enough');
      for (let i = 0; i < 2; i++) {
        const id = call();
        await c.route(id, sc.did);
        t.clock.advance(20_000);
        await c.end(id, 'NOANSWER');
      }
      const run = await t.s.autoPause.run();
      assert.deepEqual(
        run.paused.map((p) => [p.client_id, p.unanswered]),
        [[sc.clients[0]!.id, 3]],
      );
      const pausedUntil = run.paused[0]!.paused_until;
      assert.equal(pausedUntil.getTime(), t.clock.now().getTime() + 30 * 60_000);
      // calls skip the paused buyer, and the trace says why
      const b = call();
      const d = await c.route(b, sc.did);
      assert.equal(d.action === 'dial' && d.linkId, sc.links[1]);
      const trace = (await t.db.query<any>('SELECT trace FROM calls WHERE id = $1', [d.callId])).rows[0]
        .trace;
      assert.ok(
        trace.some((e: any) => e.reason === 'client_auto_paused' && e.link_id === sc.links[0]),
        JSON.stringify(trace),
      );
      await c.end(b, 'ANSWER', { billsec: 5 });
      // the seller and the admins were told, with the buyer to open
      const told = await t.db.query<any>(
        `SELECT user_id, body, data FROM notifications WHERE kind = 'client_paused' AND (data->>'client_id')::bigint = $1`,
        [sc.clients[0]!.id],
      );
      assert.ok(told.rows.some((r: any) => Number(r.user_id) === sc.seller.id));
      assert.ok(told.rows.some((r: any) => Number(r.user_id) === sc.admin.id));
      assert.match(
        told.rows[0].body,
        /left 3 calls unanswered in the last hour, so it takes no calls for 30 minutes/,
      );
      assert.equal((await t.s.autoPause.run()).paused.length, 0, 'announced once');
      const view = (await t.s.links.forCampaign(sc.seller, sc.campaignId)).find((l) => l.id === sc.links[0]);
      assert.equal(view?.unavailable_now, 'client_auto_paused');

      // 30 minutes later: calls reach it again, the end is announced, and its old misses no longer count
      t.clock.advance(30 * 60_000);
      const e = call();
      const again = await c.route(e, sc.did);
      assert.equal(again.action === 'dial' && again.linkId, sc.links[0]);
      await c.end(e, 'ANSWER', { billsec: 5 });
      const second = await t.s.autoPause.run();
      assert.deepEqual(
        [second.resumed.map((r) => r.client_id), second.paused.length],
        [[sc.clients[0]!.id], 0],
      );
      const resumed = await t.db.query<any>(
        `SELECT count(*)::int AS n FROM notifications WHERE kind = 'client_resumed' AND user_id = $1`,
        [sc.seller.id],
      );
      assert.equal(resumed.rows[0].n, 1);
    });
  });
}
