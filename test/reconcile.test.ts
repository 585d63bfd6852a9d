import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Queryable } from '../src/db/db.js';
import { backends } from './helpers/db.js';
import { callFlow } from './helpers/calls.js';
import { scenario } from './helpers/scenario.js';
import { linkCounters, startServices, type TestServices } from './helpers/services.js';

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
