import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { callFlow } from './helpers/calls.js';
import { backends } from './helpers/db.js';
import { scenario } from './helpers/scenario.js';
import { linkCounters, startServices, type TestServices } from './helpers/services.js';

let uid = 0;
const HOUR = 3600_000;

const log = (t: TestServices, id: number | undefined) =>
  t.db
    .query<any>(
      'SELECT state, routing_status, end_reason, billsec, billable, cost, payout, source FROM calls WHERE id = $1',
      [id],
    )
    .then((r) => r.rows[0]);

for (const kind of backends()) {
  describe(`releasing what calls hold on ${kind}`, () => {
    let t: TestServices;
    let c: ReturnType<typeof callFlow>;
    before(async () => {
      t = await startServices(kind);
      c = callFlow(t.s);
    });
    after(() => t.close());

    test('a real hangup after the call expired is not dropped: its billsec, charge, payout and conversion count', async () => {
      const sc = await scenario(t.s, {
        links: [{ total_calls_allowed: 10, daily_cap: 10, payout: '4', min_billable_duration: 30 }],
      });
      const id = `1795261893.${++uid}`;
      const d = await c.route(id, sc.did);
      t.clock.advance(5 * HOUR);
      assert.equal(await t.s.callEnd.expire(), 1);
      assert.deepEqual(await linkCounters(t.db, sc.links[0]!), {
        in_flight: 0,
        current_total_calls: 0,
        day_count: 0,
        hour_count: 0,
      });

      const late = await c.end(id, 'ANSWER', { billsec: 95 });

      assert.deepEqual(late, { status: 'logged', callId: d.callId });
      assert.deepEqual(await log(t, d.callId), {
        state: 'ended',
        routing_status: 'routed',
        end_reason: 'hangup',
        billsec: 95,
        billable: true,
        cost: '0.1000',
        payout: '4.0000',
        source: 'agi',
      });
      const counters = await linkCounters(t.db, sc.links[0]!);
      assert.deepEqual([counters.in_flight, counters.current_total_calls], [0, 1]);
      assert.equal((await c.end(id, 'ANSWER', { billsec: 95 })).status, 'duplicate');
    });

    test('a link with calls in flight cannot be deleted (its client slot would leak); once they end it can', async () => {
      const sc = await scenario(t.s, { links: [{ client: { max_concurrency: 1 } }] });
      const id = `1795261893.${++uid}`;
      await c.route(id, sc.did);
      await assert.rejects(t.s.links.remove(sc.seller, sc.links[0]!), /in progress on this link/);
      await c.end(id, 'NOANSWER');
      await t.s.links.remove(sc.seller, sc.links[0]!);
      const client = await t.db.query<any>('SELECT in_flight FROM clients WHERE id = $1', [
        sc.clients[0]!.id,
      ]);
      assert.equal(client.rows[0].in_flight, 0);
    });

    test('a link whose caps count converted calls cannot be deleted either: a new one would start them from zero', async () => {
      const sc = await scenario(t.s, { links: [{ daily_cap: 10 }] });
      const id = `1795261893.${++uid}`;
      await c.route(id, sc.did);
      await c.end(id, 'ANSWER', { billsec: 10 });
      await assert.rejects(t.s.links.remove(sc.seller, sc.links[0]!), /caps count 1 converted call/);
    });

    test("a call's end releases its client even when its link row is gone", async () => {
      const sc = await scenario(t.s, { links: [{ client: { max_concurrency: 1 } }] });
      const id = `1795261893.${++uid}`;
      await c.route(id, sc.did);
      await t.db.query('DELETE FROM campaign_client_settings WHERE id = $1', [sc.links[0]]);
      await c.end(id, 'NOANSWER');
      const client = await t.db.query<any>('SELECT in_flight FROM clients WHERE id = $1', [
        sc.clients[0]!.id,
      ]);
      assert.equal(client.rows[0].in_flight, 0);
    });

    test('a campaign with calls cannot be deleted (archive it instead), so no call end can fail on it', async () => {
      const sc = await scenario(t.s, { links: [{}] });
      const id = `1795261893.${++uid}`;
      await c.route(id, sc.did);
      await assert.rejects(t.s.campaigns.remove(sc.seller, sc.campaignId), /in progress/);
      await c.end(id, 'NOANSWER');
      await assert.rejects(t.s.campaigns.remove(sc.seller, sc.campaignId), /archive it instead/);
      const empty = await scenario(t.s, { links: [{}] });
      await t.s.campaigns.remove(empty.seller, empty.campaignId);
    });

    test('one call that cannot be expired does not stop the others; it is tried again later', async () => {
      const sc = await scenario(t.s, { links: [{}] });
      const bad = await scenario(t.s, { links: [{}] });
      const ids = [1, 2, 3].map(() => `1795261893.${++uid}`);
      await c.route(ids[0]!, bad.did);
      await c.route(ids[1]!, sc.did);
      await c.route(ids[2]!, sc.did);
      // Broken counters (a hand edit): releasing the bad call would take in_flight below zero.
      await t.db.query('UPDATE campaigns SET in_flight = 0 WHERE id = $1', [bad.campaignId]);
      t.clock.advance(5 * HOUR);

      assert.equal(await t.s.callEnd.expire(), 2);
      const open = await t.db.query<any>(
        `SELECT uniqueid, expires_at FROM calls WHERE state = 'dialing' AND uniqueid = ANY($1)`,
        [ids],
      );
      assert.deepEqual(
        open.rows.map((r: any) => r.uniqueid),
        [ids[0]],
      );
      assert.ok(open.rows[0].expires_at.getTime() > t.clock.now().getTime(), 'pushed back');
      assert.equal((await linkCounters(t.db, sc.links[0]!)).in_flight, 0);
      await t.db.query('UPDATE campaigns SET in_flight = 1 WHERE id = $1', [bad.campaignId]);
    });

    test('the calls of a PBX that restarted are released once it has made one new call, even a short one', async () => {
      const sc = await scenario(t.s, { links: [{ max_concurrency: 5 }] });
      const p = callFlow(t.s, 'pbx-restart');
      await p.route('1795200000.900', sc.did);
      await p.route('1795200001.901', sc.did);
      t.clock.advance(10_000);
      assert.equal(await t.s.callEnd.reapRestarted(), 0);

      // Asterisk restarted 12 s later: its counter began again at 0, and the first call was short.
      await p.route('1795200013.3', sc.did);
      await p.end('1795200013.3', 'NOANSWER');
      assert.equal(await t.s.callEnd.reapRestarted(), 2);

      assert.equal((await linkCounters(t.db, sc.links[0]!)).in_flight, 0);
      const ended = await t.db.query<any>(
        `SELECT end_reason FROM calls WHERE pbx = 'pbx-restart' AND state = 'expired'`,
      );
      assert.deepEqual(
        ended.rows.map((r: any) => r.end_reason),
        ['pbx_restarted', 'pbx_restarted'],
      );
    });

    test('a PBX clock stepped back within one run releases nothing', async () => {
      const sc = await scenario(t.s, { links: [{ max_concurrency: 5 }] });
      const p = callFlow(t.s, 'pbx-clockstep');
      await p.route('1795210000.50', sc.did);
      t.clock.advance(1000);
      // The PBX clock went back 2 minutes; its counter kept counting.
      await p.route('1795209880.51', sc.did);
      t.clock.advance(1000);
      assert.equal(await t.s.callEnd.reapRestarted(), 0);
      assert.equal((await linkCounters(t.db, sc.links[0]!)).in_flight, 2);
    });

    test("a PBX's live channel list releases its calls that are gone (what the ARI connector feeds)", async () => {
      const sc = await scenario(t.s, { links: [{ max_concurrency: 5 }] });
      const p = callFlow(t.s, 'pbx-channels');
      await p.route('1795300000.1', sc.did);
      await p.route('1795300000.2', sc.did);
      t.clock.advance(60_000);
      const released = await t.s.callEnd.reconcileChannels(
        'pbx-channels',
        new Set(['1795300000.2']),
        t.clock.now(),
      );
      assert.equal(released, 1);
      assert.equal((await linkCounters(t.db, sc.links[0]!)).in_flight, 1);
    });
  });
}
