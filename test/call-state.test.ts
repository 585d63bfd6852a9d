import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createServices } from '../src/services.js';
import { ManualClock } from '../src/shared/clock.js';
import { callFlow, outcome, reason } from './helpers/calls.js';
import { backends } from './helpers/db.js';
import { scenario } from './helpers/scenario.js';
import { linkCounters, startServices, type TestServices } from './helpers/services.js';

let uid = 0;
/** A uniqueid as Asterisk makes them: epoch second and a counter. */
const asteriskId = () => `1795261893.${++uid}`;

const attempts = (t: TestServices, callId: number | undefined) =>
  t.db
    .query<{ state: string; dial_status: string | null }>(
      'SELECT state, dial_status FROM call_attempts WHERE call_id = $1 ORDER BY seq',
      [callId],
    )
    .then((r) => r.rows.map((a) => `${a.state}:${a.dial_status ?? ''}`));

for (const kind of backends()) {
  describe(`the call state machine on ${kind}`, () => {
    let t: TestServices;
    before(async () => {
      t = await startServices(kind);
    });
    after(() => t.close());

    test('two PBXs sending the same uniqueid are two calls: each takes its own slot and is logged', async () => {
      const sc = await scenario(t.s, { links: [{ max_concurrency: 1 }, { forwarding_priority: 2 }] });
      const [a, b] = [callFlow(t.s, 'pbx-a'), callFlow(t.s, 'pbx-b')];
      const id = asteriskId();

      const da = await a.route(id, sc.did);
      const db = await b.route(id, sc.did);

      assert.deepEqual(
        [outcome(da), outcome(db)],
        [`PJSIP/${sc.clients[0]!.identifier}`, `PJSIP/${sc.clients[1]!.identifier}`],
      );
      assert.notEqual(da.callId, db.callId);
      await a.end(id, 'ANSWER', { billsec: 40 });
      await b.end(id, 'ANSWER', { billsec: 50 });
      const logs = await t.db.query<any>('SELECT pbx, billsec FROM calls WHERE uniqueid = $1 ORDER BY pbx', [
        id,
      ]);
      assert.deepEqual(logs.rows, [
        { pbx: 'pbx-a', billsec: 40 },
        { pbx: 'pbx-b', billsec: 50 },
      ]);
      assert.equal((await linkCounters(t.db, sc.links[0]!)).in_flight, 0);
    });

    test('a repeated failover request changes nothing: the next link is not marked busy, the same answer comes back', async () => {
      const sc = await scenario(t.s, { links: [{}, { forwarding_priority: 2 }, { forwarding_priority: 3 }] });
      const c = callFlow(t.s);
      const id = asteriskId();
      const first = await c.route(id, sc.did);
      const attempt1 = first.action === 'dial' ? first.attemptId : 0;
      const next = await c.next(id, 'BUSY');

      const repeated = await t.s.routing.next({
        pbx: c.pbx,
        uniqueid: id,
        callId: first.callId,
        attemptId: attempt1,
        status: 'BUSY',
      });

      assert.deepEqual(repeated, next);
      assert.deepEqual(await attempts(t, first.callId), ['failed:BUSY', 'dialing:']);
      assert.equal((await linkCounters(t.db, sc.links[1]!)).in_flight, 1);
    });

    test('an exhausted call keeps only its campaign slot, until it ends', async () => {
      const sc = await scenario(t.s, { campaign: { max_concurrency: 5 }, links: [{}] });
      const c = callFlow(t.s);
      const id = asteriskId();
      await c.route(id, sc.did);
      assert.equal(reason(await c.next(id, 'BUSY')), 'no_more_candidates');
      const campaign = async () =>
        (await t.db.query<any>('SELECT in_flight FROM campaigns WHERE id = $1', [sc.campaignId])).rows[0]
          .in_flight;
      assert.deepEqual([await campaign(), (await linkCounters(t.db, sc.links[0]!)).in_flight], [1, 0]);
      await c.end(id, 'BUSY');
      assert.equal(await campaign(), 0);
    });

    test('a dial status outside the failover set is never answered with the same dial again', async () => {
      const sc = await scenario(t.s, { links: [{}, { forwarding_priority: 2 }] });
      const c = callFlow(t.s);
      const id = asteriskId();
      await c.route(id, sc.did);
      for (const status of ['CANCEL', 'INVALIDARGS', '', 'ANSWER']) {
        assert.equal(reason(await c.next(id, status)), 'dial_ended', status);
      }
      await c.end(id, 'INVALIDARGS');
      assert.deepEqual(await attempts(t, c.known(id)!.callId), ['unanswered:INVALIDARGS']);
      assert.equal((await linkCounters(t.db, sc.links[0]!)).in_flight, 0);
    });

    test('a decision the PBX never received is not an attempt: the call keeps its seller and campaign, the attempt is not_dialed', async () => {
      const sc = await scenario(t.s, { links: [{ max_concurrency: 1 }] });
      const id = asteriskId();
      const d = await t.s.routing.route({ pbx: 'pbx-a', uniqueid: id, did: sc.did });

      // The answer was lost; the PBX took its fallback and the caller hung up.
      const end = await t.s.callEnd.finish({
        pbx: 'pbx-a',
        uniqueid: id,
        attemptId: null,
        fallback: true,
        dialStatus: '',
        source: 'agi',
      });

      assert.equal(end.callId, d.callId);
      const log = (
        await t.db.query<any>(
          'SELECT routing_status, campaign_id, seller_id, disposition FROM calls WHERE id = $1',
          [end.callId],
        )
      ).rows[0];
      assert.deepEqual(log, {
        routing_status: 'routed',
        campaign_id: sc.campaignId,
        seller_id: sc.seller.id,
        disposition: 'NOT DIALED',
      });
      assert.deepEqual(await attempts(t, end.callId), ['not_dialed:']);
      assert.equal((await linkCounters(t.db, sc.links[0]!)).in_flight, 0);
    });

    test('a late route request for a call that just ended changes nothing; a uniqueid reused later is a new call, logged too', async () => {
      const sc = await scenario(t.s, { links: [{}] });
      const c = callFlow(t.s);
      const id = asteriskId();
      await c.route(id, sc.did);
      await c.end(id, 'ANSWER', { billsec: 30 });

      assert.equal(reason(await t.s.routing.route({ pbx: c.pbx, uniqueid: id, did: sc.did })), 'call_ended');
      t.clock.advance(120_000);
      const again = await t.s.routing.route({ pbx: c.pbx, uniqueid: id, did: sc.did });
      assert.equal(again.action, 'dial');
      await t.s.callEnd.finish({
        pbx: c.pbx,
        uniqueid: id,
        callId: again.callId,
        attemptId: again.action === 'dial' ? again.attemptId : null,
        dialStatus: 'ANSWER',
        billsec: 20,
        source: 'agi',
      });
      const logs = await t.db.query<any>(
        'SELECT generation, billsec, cost > 0 AS charged FROM calls WHERE uniqueid = $1 ORDER BY generation',
        [id],
      );
      assert.deepEqual(logs.rows, [
        { generation: 0, billsec: 30, charged: true },
        { generation: 1, billsec: 20, charged: true },
      ]);
    });

    test('every charge has its call: a ledger row exists only with the call it bills', async () => {
      const { rows } = await t.db.query<any>(
        `SELECT l.id FROM balance_ledger l LEFT JOIN calls c ON c.id = l.call_id AND c.cost = -l.amount
          WHERE l.kind = 'call_charge' AND c.id IS NULL`,
      );
      assert.deepEqual(rows, []);
    });

    test('DIDs and caller ids are stored in E.164, with what the PBX sent kept beside them', async () => {
      const sc = await scenario(t.s, { links: [{}] });
      const c = callFlow(t.s);
      const id = asteriskId();
      await c.route(id, sc.did.slice(1), '(312) 555-0111');
      await c.end(id, 'NOANSWER');
      const row = (
        await t.db.query<any>(
          'SELECT did, did_raw, caller_id, caller_id_raw FROM calls WHERE uniqueid = $1',
          [id],
        )
      ).rows[0];
      assert.deepEqual(row, {
        did: sc.did,
        did_raw: sc.did.slice(1),
        caller_id: '+13125550111',
        caller_id_raw: '(312) 555-0111',
      });
    });

    test('two nodes 150 ms apart at the top of the hour count in one window: an hourly cap of 1 lets one call through', async () => {
      const sc = await scenario(t.s, { links: [{ hourly_cap: 1 }] });
      const ahead = createServices({
        db: t.db,
        clock: new ManualClock('2026-11-23T18:00:00.050Z'),
        config: {
          sessionTtlHours: 1,
          loginMaxFailures: 5,
          loginLockoutSeconds: 60,
          defaultPhoneRegion: 'US',
        },
      });
      const behind = createServices({
        db: t.db,
        clock: new ManualClock('2026-11-23T17:59:59.900Z'),
        config: {
          sessionTtlHours: 1,
          loginMaxFailures: 5,
          loginLockoutSeconds: 60,
          defaultPhoneRegion: 'US',
        },
      });
      const a = callFlow(ahead);
      const b = callFlow(behind);
      const [ida, idb] = [asteriskId(), asteriskId()];

      assert.equal((await a.route(ida, sc.did)).action, 'dial');
      await a.end(ida, 'ANSWER', { billsec: 60 });
      assert.equal(reason(await b.route(idb, sc.did)), 'all_candidates_capped');
    });
  });
}
