import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { backends } from './helpers/db.js';
import { callFlow, reason } from './helpers/calls.js';
import { scenario } from './helpers/scenario.js';
import { linkCounters, startServices, type TestServices } from './helpers/services.js';

let uid = 0;
const call = () => `end-${process.pid}.${++uid}`;

for (const kind of backends()) {
  describe(`call end, billing and expiry on ${kind}`, () => {
    let t: TestServices;
    let c: ReturnType<typeof callFlow>;
    before(async () => {
      t = await startServices(kind);
      c = callFlow(t.s);
      const admin = await t.s.users.create({
        email: `a${process.pid}@x.example`,
        name: 'a',
        role: 'admin',
        password: 'password-1',
      });
      const actor = { id: admin.id, email: admin.email, name: 'a', role: 'admin' as const };
      await t.s.settings.set(actor, 'billing.rate_per_minute', '0.05');
      await t.s.settings.set(actor, 'billing.increment_seconds', 6);
    });
    after(() => t.close());

    test('an answered call is charged by the increment and the ledger explains the balance', async () => {
      const sc = await scenario(t.s, {
        balance: '10',
        links: [{ payout: '2.5', min_billable_duration: 60 }],
      });
      const id = call();
      await c.route(id, sc.did, '+13125550111');
      t.clock.advance(70_000);

      const end = await c.end(id, 'ANSWER', { billsec: 61, duration: 70, hangupCause: 16 });

      const log = (await t.db.query<any>('SELECT * FROM calls WHERE id = $1', [end.callId])).rows[0];
      assert.equal(log.cost, '0.0550'); // 66 s × 0.05 / 60
      assert.equal(log.payout, '2.5000');
      assert.equal(log.billable, true);
      assert.equal(log.disposition, 'ANSWERED');
      assert.equal(log.caller_id, '+13125550111');
      assert.equal(log.answered_at.getTime(), log.ended_at.getTime() - 61_000);
      const ledger = await t.s.balances.ledger(sc.seller.id, { limit: 10, offset: 0 });
      assert.deepEqual(
        ledger.items.map((e) => [e.kind, e.amount, e.reference]),
        [
          ['call_charge', '-0.0550', `${c.pbx}/${id}`],
          ['topup', '10.0000', null],
        ],
      );
      const seller = await t.s.balances.seller(sc.seller.id);
      assert.equal(seller.balance, '9.9450');
    });

    test('a seller rate overrides the system rate', async () => {
      const sc = await scenario(t.s, { links: [{}] });
      const admin = sc.admin;
      await t.s.users.update(admin, sc.seller.id, { billing_rate_per_minute: '0.60' });
      const id = call();
      await c.route(id, sc.did);
      const end = await c.end(id, 'ANSWER', { billsec: 6 });
      const log = (await t.db.query<any>('SELECT cost FROM calls WHERE id = $1', [end.callId])).rows[0];
      assert.equal(log.cost, '0.0600');
    });

    test('hangup is idempotent: a repeated report changes nothing', async () => {
      const sc = await scenario(t.s, { links: [{ total_calls_allowed: 10 }] });
      const id = call();
      await c.route(id, sc.did);
      const results = await Promise.all([
        c.end(id, 'ANSWER', { billsec: 120 }),
        c.end(id, 'ANSWER', { billsec: 120 }),
        c.end(id, 'ANSWER', { billsec: 120 }),
      ]);

      assert.deepEqual(results.map((r) => r.status).sort(), ['duplicate', 'duplicate', 'logged']);
      assert.equal(
        (await t.db.query<any>('SELECT count(*) AS n FROM calls WHERE uniqueid = $1', [id])).rows[0].n,
        1,
      );
      assert.equal((await t.s.balances.ledger(sc.seller.id, { limit: 10, offset: 0 })).total, 2);
      assert.deepEqual(await linkCounters(t.db, sc.links[0]!), {
        in_flight: 0,
        current_total_calls: 1,
        day_count: 1,
        hour_count: 1,
      });
    });

    test('a call that was never answered is not charged and gives its window slot back', async () => {
      const sc = await scenario(t.s, { links: [{ daily_cap: 5 }] });
      const id = call();
      await c.route(id, sc.did);
      assert.equal((await linkCounters(t.db, sc.links[0]!)).day_count, 1);
      const end = await c.end(id, 'CANCEL');
      const log = (
        await t.db.query<any>('SELECT cost, billable, disposition FROM calls WHERE id = $1', [end.callId])
      ).rows[0];
      assert.deepEqual(log, { cost: '0.0000', billable: false, disposition: 'NO ANSWER' });
      assert.deepEqual(await linkCounters(t.db, sc.links[0]!), {
        in_flight: 0,
        current_total_calls: 0,
        day_count: 0,
        hour_count: 0,
      });
    });

    test('a rejected call is logged with its reason when its hangup arrives', async () => {
      const id = call();
      await c.route(id, '+14155559999');
      const end = await c.end(id, '');
      const log = (
        await t.db.query<any>('SELECT routing_status, reject_reason, disposition FROM calls WHERE id = $1', [
          end.callId,
        ])
      ).rows[0];
      assert.deepEqual(log, {
        routing_status: 'rejected',
        reject_reason: 'unknown_did',
        disposition: 'NOT DIALED',
      });
    });

    test('a hangup for a call CapConduit never routed is still logged, with why, under its DID’s campaign', async () => {
      const sc = await scenario(t.s, { links: [{}] });
      const id = call();
      const end = await c.end(id, 'ANSWER', { billsec: 33, did: sc.did, fallback: true, attemptId: null });
      const log = (
        await t.db.query<any>(
          'SELECT routing_status, reject_reason, campaign_id, seller_id, billsec, cost FROM calls WHERE id = $1',
          [end.callId],
        )
      ).rows[0];
      assert.deepEqual(log, {
        routing_status: 'unrouted',
        reject_reason: 'capconduit_unreachable',
        campaign_id: sc.campaignId,
        seller_id: sc.seller.id,
        billsec: 33,
        cost: '0.0000',
      });
    });

    test('a reservation whose hangup never arrives expires after the maximum call length', async () => {
      const sc = await scenario(t.s, { links: [{ max_concurrency: 1 }] });
      const id = call();
      await c.route(id, sc.did);
      assert.equal(reason(await c.route(call(), sc.did)), 'all_candidates_capped');

      // Asterisk ends the call at 4 h (TIMEOUT(absolute)); its hangup has 5 minutes more to arrive.
      t.clock.advance(4 * 3600_000 + 300_000 - 1000);
      assert.equal(await t.s.callEnd.expire(), 0);
      t.clock.advance(2000);
      assert.ok((await t.s.callEnd.expire()) >= 1);

      assert.equal((await linkCounters(t.db, sc.links[0]!)).in_flight, 0);
      const log = (
        await t.db.query<any>('SELECT routing_status, source FROM calls WHERE uniqueid = $1', [id])
      ).rows[0];
      assert.deepEqual(log, { routing_status: 'expired', source: 'expired' });
      assert.equal((await c.route(call(), sc.did)).action, 'dial');
    });

    test('the balance always equals the sum of its ledger rows', async () => {
      const { rows } = await t.db.query<any>(
        `SELECT u.id FROM users u LEFT JOIN balance_ledger l ON l.seller_id = u.id
          WHERE u.role = 'seller' GROUP BY u.id, u.balance HAVING u.balance <> coalesce(sum(l.amount), 0)`,
      );
      assert.deepEqual(rows, []);
    });
  });
}
