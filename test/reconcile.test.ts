import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Queryable } from '../src/db/db.js';
import { createReconcileService } from '../src/calls/reconcile.service.js';
import { backends } from './helpers/db.js';
import { callFlow } from './helpers/calls.js';
import { scenario } from './helpers/scenario.js';
import { linkCounters, startServices, type TestServices } from './helpers/services.js';
import { originatedChannelId } from '../src/shared/channel-ids.js';

const state = (db: Queryable, uniqueid: string) =>
  db
    .query<{ state: string }>('SELECT state FROM calls WHERE uniqueid = $1', [uniqueid])
    .then((r) => r.rows[0]?.state);

/** A row as cdr_pgsql writes it (local time = UTC per the generated cdr_pgsql.conf). */
async function cdr(
  db: Queryable,
  row: {
    uniqueid: string;
    start: Date;
    end: Date;
    disposition: string;
    billsec: number;
    dst: string;
    dcontext?: string;
    /** The endpoint the call was dialled to, as `PJSIP/<endpoint>-<n>` in dstchannel. */
    dialled?: string;
    userfield?: string;
  },
) {
  const utc = (d: Date) => d.toISOString().replace('T', ' ').slice(0, 19);
  await db.query(
    `INSERT INTO cdr (clid, src, dst, dcontext, channel, dstchannel, lastapp, start, answer, "end", duration, billsec, disposition, amaflags, uniqueid, linkedid, userfield)
     VALUES ('"x" <13125550100>', '13125550100', $2, $3, 'PJSIP/carrier-0001', $9, 'Dial', $1, NULL, $4, $5, $6, $7, 'DOCUMENTATION', $8, $8, $10)`,
    [
      utc(row.start),
      row.dst,
      row.dcontext ?? 'capconduit-route',
      utc(row.end),
      Math.round((row.end.getTime() - row.start.getTime()) / 1000),
      row.billsec,
      row.disposition,
      row.uniqueid,
      row.dialled ? `PJSIP/${row.dialled}-00000001` : '',
      row.userfield ?? '',
    ],
  );
}

for (const kind of backends()) {
  describe(`reconciliation with Asterisk's CDRs on ${kind}`, () => {
    let t: TestServices;
    let c: ReturnType<typeof callFlow>;
    before(async () => {
      t = await startServices(kind);
      c = callFlow(t.s);
    });
    after(() => t.close());

    test('a call whose hangup report never arrived is finished from its CDR: released, logged, billed once', async () => {
      const sc = await scenario(t.s, { links: [{ max_concurrency: 1, min_billable_duration: 30 }] });
      const start = t.clock.now();
      await c.route('rc-1', sc.did);
      t.clock.advance(120_000);
      await cdr(t.db, {
        uniqueid: 'rc-1',
        start,
        end: new Date(start.getTime() + 100_000),
        disposition: 'ANSWERED',
        billsec: 80,
        dst: sc.did,
        dialled: sc.clients[0]!.identifier,
      });

      assert.equal(await t.s.reconcile.run(), 1);
      assert.equal(await t.s.reconcile.run(), 0);

      const log = (
        await t.db.query<any>(
          'SELECT source, billsec, billable, disposition, ended_at FROM calls WHERE uniqueid = $1',
          ['rc-1'],
        )
      ).rows[0];
      assert.deepEqual(
        [log.source, log.billsec, log.billable, log.disposition],
        ['reconciled', 80, true, 'ANSWERED'],
      );
      assert.equal(log.ended_at.getTime(), start.getTime() + 100_000);
      assert.deepEqual(await linkCounters(t.db, sc.links[0]!), {
        in_flight: 0,
        current_total_calls: 1,
        day_count: 1,
        hour_count: 1,
      });
      assert.equal(
        (await t.s.balances.ledger(sc.seller.id, { limit: 10, offset: 0 })).items[0]!.kind,
        'call_charge',
      );
      // the hangup report arriving late changes nothing
      assert.equal((await c.end('rc-1', 'ANSWER', { billsec: 80 })).status, 'duplicate');
    });

    test('the CDR of a customer CapConduit dialled through the carrier (an agent call) is not an inbound call', async () => {
      const start = t.clock.now();
      t.clock.advance(60_000);
      // Originated through ARI to the carrier, whose endpoint context is the inbound one.
      const uniqueid = originatedChannelId('customer');
      await cdr(t.db, {
        uniqueid,
        start,
        end: new Date(start.getTime() + 30_000),
        disposition: 'ANSWERED',
        billsec: 20,
        dst: 's',
        dcontext: 'capconduit-inbound',
      });
      assert.equal(await t.s.reconcile.run(), 0);
      assert.equal(
        (await t.db.query<any>(`SELECT count(*)::int AS n FROM calls WHERE uniqueid = $1`, [uniqueid]))
          .rows[0].n,
        0,
      );
    });

    test('a CDR of our dialplan with no call log at all (CapConduit was down) creates one', async () => {
      const start = t.clock.now();
      t.clock.advance(60_000);
      await cdr(t.db, {
        uniqueid: 'rc-2',
        start,
        end: new Date(start.getTime() + 30_000),
        disposition: 'NO ANSWER',
        billsec: 0,
        dst: '15551230000',
      });
      await cdr(t.db, {
        uniqueid: 'rc-3',
        start,
        end: new Date(start.getTime() + 30_000),
        disposition: 'ANSWERED',
        billsec: 9,
        dst: '1',
        dcontext: 'internal-extensions',
      });

      assert.equal(await t.s.reconcile.run(), 1);
      const log = (
        await t.db.query<any>('SELECT routing_status, dial_status, did FROM calls WHERE uniqueid = $1', [
          'rc-2',
        ])
      ).rows[0];
      assert.deepEqual(log, { routing_status: 'unrouted', dial_status: 'NOANSWER', did: '15551230000' });
      assert.equal(
        (await t.db.query<any>(`SELECT count(*) AS n FROM calls WHERE uniqueid = 'rc-3'`)).rows[0].n,
        0,
      );
    });

    test('an attempt the CDR shows no Dial to was never dialled (not CHANUNAVAIL); a buyer calling in is not an inbound call', async () => {
      const sc = await scenario(t.s, { links: [{}] });
      const p1 = callFlow(t.s, 'pbx1');
      await p1.route('rc-5', sc.did);
      const start = t.clock.now();
      t.clock.advance(60_000);
      await cdr(t.db, {
        uniqueid: 'rc-5',
        start,
        end: new Date(start.getTime() + 5000),
        disposition: 'NO ANSWER',
        billsec: 0,
        dst: sc.did,
        userfield: 'capconduit pbx=pbx1',
      });
      await cdr(t.db, {
        uniqueid: 'rc-6',
        start,
        end: new Date(start.getTime() + 5000),
        disposition: 'ANSWERED',
        billsec: 12,
        dst: '15551230000',
        dcontext: 'capconduit-from-clients',
      });

      assert.equal(await t.s.reconcile.run(), 1);
      const attempts = await t.db.query<any>(
        `SELECT a.state, a.dial_status FROM call_attempts a JOIN calls c ON c.id = a.call_id WHERE c.uniqueid = 'rc-5'`,
      );
      assert.deepEqual(attempts.rows, [{ state: 'not_dialed', dial_status: null }]);
      const buyer = await t.db.query<any>(`SELECT count(*) AS n FROM calls WHERE uniqueid = 'rc-6'`);
      assert.equal(buyer.rows[0].n, 0);
    });

    test('CDRs name their PBX: the same uniqueid on two PBXs is reconciled to the right call', async () => {
      const sc = await scenario(t.s, { links: [{ max_concurrency: 5 }] });
      const [a, b] = [callFlow(t.s, 'pbx-a'), callFlow(t.s, 'pbx-b')];
      await a.route('rc-7', sc.did);
      await b.route('rc-7', sc.did);
      const start = t.clock.now();
      t.clock.advance(60_000);
      await cdr(t.db, {
        uniqueid: 'rc-7',
        start,
        end: new Date(start.getTime() + 40_000),
        disposition: 'ANSWERED',
        billsec: 33,
        dst: sc.did,
        dialled: sc.clients[0]!.identifier,
        userfield: 'capconduit pbx=pbx-b',
      });

      assert.equal(await t.s.reconcile.run(), 1);
      const calls = await t.db.query<any>(
        `SELECT pbx, state, billsec FROM calls WHERE uniqueid = 'rc-7' ORDER BY pbx`,
      );
      assert.deepEqual(calls.rows, [
        { pbx: 'pbx-a', state: 'dialing', billsec: 0 },
        { pbx: 'pbx-b', state: 'ended', billsec: 33 },
      ]);
      await a.end('rc-7', 'NOANSWER');
    });

    test('a PBX that writes CDRs for answered calls only is named (cdr.conf unanswered = no)', async () => {
      const sc = await scenario(t.s, { links: [{ max_concurrency: 50 }] });
      const p = callFlow(t.s, 'pbx-nocdr');
      for (let i = 0; i < 6; i++) {
        const id = `rc-nocdr-${i}`;
        await p.route(id, sc.did);
        await p.end(id, i === 0 ? 'ANSWER' : 'NOANSWER', { billsec: 20 });
        if (i === 0) {
          const now = t.clock.now();
          await cdr(t.db, {
            uniqueid: id,
            start: now,
            end: now,
            disposition: 'ANSWERED',
            billsec: 20,
            dst: sc.did,
          });
        }
      }
      t.clock.advance(60_000);
      assert.ok((await t.s.reconcile.pbxsWithoutUnansweredCdrs()).includes('pbx-nocdr'));
    });

    /**
     * Three open calls whose CDRs arrived, the first (oldest CDR, so first on every page) of a
     * campaign whose counters were broken by hand: ending it would take in_flight below zero, so its
     * call-end statement aborts. `repair` puts the counter back.
     */
    async function badRowFirst(prefix: string) {
      const good = await scenario(t.s, { links: [{ max_concurrency: 5 }] });
      const bad = await scenario(t.s, { links: [{}] });
      const ids = [`${prefix}-bad`, `${prefix}-ok-1`, `${prefix}-ok-2`] as const;
      const start = t.clock.now();
      await c.route(ids[0], bad.did);
      await c.route(ids[1], good.did);
      await c.route(ids[2], good.did);
      await t.db.query('UPDATE campaigns SET in_flight = 0 WHERE id = $1', [bad.campaignId]);
      t.clock.advance(60_000);
      for (const [i, uniqueid] of ids.entries()) {
        await cdr(t.db, {
          uniqueid,
          start,
          end: new Date(start.getTime() + 10_000 + i * 1000),
          disposition: 'NO ANSWER',
          billsec: 0,
          dst: (i === 0 ? bad : good).did,
        });
      }
      return {
        ids,
        good,
        repair: () => t.db.query('UPDATE campaigns SET in_flight = 1 WHERE id = $1', [bad.campaignId]),
      };
    }

    test('a CDR whose call cannot be ended does not stop the CDRs after it; it is tried again after a pause', async () => {
      const { ids, good, repair } = await badRowFirst('rc-err');

      assert.equal(await t.s.reconcile.run(), 2);
      assert.deepEqual(await Promise.all(ids.map((id) => state(t.db, id))), ['dialing', 'ended', 'ended']);
      assert.equal((await linkCounters(t.db, good.links[0]!)).in_flight, 0);

      await repair();
      assert.equal(await t.s.reconcile.run(), 0, 'backed off: not tried again at once');
      t.clock.advance(5 * 60_000);
      assert.equal(await t.s.reconcile.run(), 1);
      assert.equal(await state(t.db, ids[0]), 'ended');
    });

    test('a failing CDR never takes every run: runs move past it and try it once per pause, not once per run', async () => {
      const { ids, repair } = await badRowFirst('rc-stuck');
      const tries = new Map<string, number>();
      const warnings: string[] = [];
      const reconcile = createReconcileService({
        db: t.db,
        clock: t.clock,
        callEnd: {
          ...t.s.callEnd,
          finish: (report) => {
            tries.set(report.uniqueid, (tries.get(report.uniqueid) ?? 0) + 1);
            return t.s.callEnd.finish(report);
          },
        },
        log: { warn: (_obj, msg) => void warnings.push(msg) },
      });

      // One CDR per run: the failing one (first by end time) must not be the only one ever read.
      assert.equal(await reconcile.run(1), 0);
      assert.equal(await reconcile.run(1), 1);
      assert.equal(await reconcile.run(1), 1);
      assert.equal(await reconcile.run(1), 0);
      assert.equal(await reconcile.run(), 0);
      assert.deepEqual(await Promise.all(ids.map((id) => state(t.db, id))), ['dialing', 'ended', 'ended']);
      assert.deepEqual(Object.fromEntries(tries), { [ids[0]]: 1, [ids[1]]: 1, [ids[2]]: 1 });
      assert.deepEqual(warnings, ['could not reconcile a CDR; trying again later']);

      t.clock.advance(5 * 60_000);
      assert.equal(await reconcile.run(), 0, 'still failing after the pause: tried once more');
      assert.equal(tries.get(ids[0]), 2);
      await repair();
      t.clock.advance(5 * 60_000);
      assert.equal(await reconcile.run(1), 1);
      assert.equal(await state(t.db, ids[0]), 'ended');
    });

    test('CDRs younger than the settle time are left to the hangup handler', async () => {
      const sc = await scenario(t.s, { links: [{}] });
      await c.route('rc-4', sc.did);
      const now = t.clock.now().getTime();
      await cdr(t.db, {
        uniqueid: 'rc-4',
        start: new Date(now - 10_000),
        end: new Date(now - 2000),
        disposition: 'BUSY',
        billsec: 0,
        dst: sc.did,
      });
      assert.equal(await t.s.reconcile.run(), 0);
      t.clock.advance(15_000);
      assert.equal(await t.s.reconcile.run(), 1);
    });
  });
}
