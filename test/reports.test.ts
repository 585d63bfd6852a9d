import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Interval } from '../src/reports/reports.repo.js';
import { GROUP_BY, type GroupBy } from '../src/reports/reports.service.js';
import { startTestApp, type Client, type TestApp } from './helpers/app.js';
import { callFlow } from './helpers/calls.js';
import { backends } from './helpers/db.js';
import { scenario, type Scenario } from './helpers/scenario.js';

const NY = '+12125550101';
const TX = '+15125550102';
const CA = '+14155550103';
const UK = '+442071234567';

for (const kind of backends()) {
  describe(`reports (rollups kept by the calls, read per dimension and period) on ${kind}`, () => {
    let t: TestApp;
    let sc: Scenario;
    let admin: Client;
    let n = 0;
    const call = () => `rep-${kind}-${++n}`;

    before(async () => {
      t = await startTestApp(kind);
      admin = await t.userClient('admin');
      t.clock.set('2026-11-10T03:30:00Z');
      sc = await scenario(t.services, {
        links: [
          { forwarding_priority: 1, payout: '5.00', min_billable_duration: 30 },
          { forwarding_priority: 2, payout: '7.50', min_billable_duration: 30 },
        ],
      });
      const c = callFlow(t.services);
      const at = async (iso: string, caller: string | undefined, play: (id: string) => Promise<unknown>) => {
        t.clock.set(iso);
        const id = call();
        await c.route(id, sc.did, caller);
        t.clock.advance(5000);
        await play(id);
      };
      // 22:30 on the 9th in New York, 03:30 on the 10th in UTC
      await at('2026-11-10T03:30:00Z', NY, (id) => c.end(id, 'ANSWER', { billsec: 60 }));
      await at('2026-11-10T03:40:00Z', TX, async (id) => {
        await c.next(id, 'BUSY');
        await c.end(id, 'ANSWER', { billsec: 10 });
      });
      await at('2026-11-10T15:00:00Z', CA, (id) => c.end(id, 'NOANSWER'));
      await at('2026-11-10T15:10:00Z', undefined, (id) => c.end(id, 'ANSWER', { billsec: 125 }));
      await at('2026-11-10T15:15:00Z', UK, async (id) => {
        await c.next(id, 'CHANUNAVAIL');
        await c.end(id, 'ANSWER', { billsec: 45 });
      });
      // a DID nobody owns: rejected, and no seller's
      t.clock.set('2026-11-10T15:20:00Z');
      const lost = call();
      await c.route(lost, '+14155559999', NY);
      await c.end(lost, '');
      // a call whose hangup arrives after it expired: the rollups move by the difference
      await at('2026-11-10T16:00:00Z', NY, async (id) => {
        t.clock.advance(4 * 3600_000 + 301_000);
        assert.ok((await t.services.callEnd.expire()) >= 1);
        await c.end(id, 'ANSWER', { billsec: 90 });
      });
    });
    after(() => t.close());

    const report = (q: Record<string, string>) =>
      admin.get(`/api/reports?${new URLSearchParams({ from: '2026-11-09', to: '2026-11-11', ...q })}`);

    test('the figures follow the calls: conversions, handle time, revenue, cost and profit', async () => {
      const r = await report({ group_by: 'buyer' });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.source, 'rollups');
      const ended = await t.db.query<any>(
        `SELECT count(*)::int AS calls, count(*) FILTER (WHERE billable)::int AS converted,
                sum(payout)::numeric(16,4)::text AS payout, sum(cost)::numeric(16,4)::text AS cost
           FROM calls WHERE state IN ('ended', 'expired')`,
      );
      const e = ended.rows[0];
      assert.equal(r.body.totals.calls, 7);
      assert.equal(r.body.totals.calls, e.calls);
      assert.equal(r.body.totals.rejected, 1);
      assert.equal(r.body.totals.answered, 5);
      // converted: 60 s at link 0, 125 s at link 0, 45 s at link 1, and 90 s on the late hangup
      assert.equal(r.body.totals.converted, e.converted);
      assert.equal(r.body.totals.converted, 4);
      assert.equal(r.body.totals.revenue, e.payout);
      assert.equal(r.body.totals.revenue, '22.5000');
      assert.equal(r.body.totals.cost, e.cost);
      const charged = await t.db.query<any>(
        `SELECT (-sum(amount))::numeric(16,4)::text AS charged FROM balance_ledger WHERE kind = 'call_charge' AND seller_id = $1`,
        [sc.seller.id],
      );
      assert.equal(r.body.totals.cost, charged.rows[0].charged);
      assert.equal(
        Number(r.body.totals.profit),
        Math.round((Number(r.body.totals.revenue) - Number(r.body.totals.cost)) * 1e4) / 1e4,
      );
      assert.equal(r.body.totals.conversion_rate, 4 / 7);
      assert.equal(r.body.totals.average_handle_seconds, (60 + 10 + 125 + 45 + 90) / 5);

      const byBuyer = Object.fromEntries(r.body.rows.map((x: any) => [x.label, x]));
      assert.deepEqual(
        [byBuyer['Client 0'].converted, byBuyer['Client 0'].revenue],
        [3, '15.0000'],
        JSON.stringify(r.body.rows),
      );
      assert.deepEqual([byBuyer['Client 1'].answered, byBuyer['Client 1'].converted], [2, 1]);
      assert.equal(byBuyer['Not answered'].calls, 2);
    });

    test('the rollups agree with the calls for every grouping, interval and zone', async () => {
      const { services } = t;
      const intervals: Interval[] = ['hour', 'day', 'month'];
      for (const tz of ['UTC', 'America/New_York', 'Europe/London']) {
        for (const group_by of GROUP_BY) {
          for (const interval of intervals) {
            const q = { from: '2026-11-09', to: '2026-11-11', timezone: tz, group_by, interval };
            const rolled = await services.reports.report(sc.admin, q);
            // the same report read from the calls: a zone with a fractional offset takes that path
            const raw = await reportFromCalls(t, sc, q);
            assert.equal(rolled.source, 'rollups');
            assert.deepEqual(strip(rolled), strip(raw), `${tz} ${group_by} ${interval}`);
          }
        }
      }
    });

    test('days are the zone’s: calls at 03:30 and 03:40 UTC are the 9th in New York', async () => {
      const ny = await report({
        tz: 'America/New_York',
        from: '2026-11-09',
        to: '2026-11-09',
        group_by: 'campaign',
      });
      assert.equal(ny.body.totals.calls, 2);
      assert.equal(ny.body.series.length, 1);
      assert.equal(new Date(ny.body.series[0].period).toISOString(), '2026-11-09T05:00:00.000Z');
      const utc = await report({ from: '2026-11-09', to: '2026-11-09', group_by: 'campaign' });
      assert.equal(utc.body.totals.calls, 0);
      const hours = await report({ from: '2026-11-10', to: '2026-11-10', interval: 'hour' });
      assert.equal(hours.body.series.length, 24);
      assert.deepEqual(
        hours.body.series
          .filter((s: any) => s.calls > 0)
          .map((s: any) => [new Date(s.period).getUTCHours(), s.calls]),
        [
          [3, 2],
          [15, 4],
          [16, 1],
        ],
      );
    });

    test('by caller area code and by state, and one key’s series', async () => {
      const area = await report({ group_by: 'area' });
      const labels = Object.fromEntries(area.body.rows.map((x: any) => [x.key, [x.label, x.calls]]));
      assert.deepEqual(labels['212'], ['212 (NY)', 3]);
      assert.deepEqual(labels['intl'], ['Outside North America', 1]);
      assert.deepEqual(labels[''], ['Unknown or anonymous caller', 1]);
      const state = await report({ group_by: 'state' });
      const states = Object.fromEntries(state.body.rows.map((x: any) => [x.key, x.calls]));
      assert.deepEqual(states, { 'US-NY': 3, 'US-TX': 1, 'US-CA': 1, intl: 1, '': 1 });
      const ny = await report({ group_by: 'state', key: 'US-NY', interval: 'month' });
      assert.deepEqual(
        ny.body.rows.map((x: any) => x.key),
        ['US-NY'],
      );
      assert.equal(ny.body.totals.calls, 3);
      assert.equal(ny.body.series[0].calls, 3);
      const campaign = await report({ group_by: 'campaign', key: String(sc.campaignId) });
      assert.equal(campaign.body.totals.calls, 6);
    });

    test('the overview reads the day from the rollups, with the figures the calls give', async () => {
      const { createOverviewService } = await import('../src/stats/overview.service.js');
      const fromCalls = createOverviewService({
        db: t.db,
        clock: t.clock,
        links: t.services.links,
        forceCalls: true,
      });
      t.clock.set('2026-11-10T20:00:00Z');
      for (const actor of [sc.admin, sc.seller])
        for (const tz of ['UTC', 'America/New_York']) {
          const rolled = await t.services.overview.overview(actor, tz);
          const raw = await fromCalls.overview(actor, tz);
          assert.deepEqual(rolled, raw, `${actor.role} ${tz}`);
          if (tz === 'UTC') assert.equal(rolled.today.calls, actor.role === 'admin' ? 7 : 6);
        }
    });

    test('a zone with a fractional offset is read from the calls, with the same figures', async () => {
      const r = await report({ tz: 'Asia/Kolkata', group_by: 'did' });
      assert.equal(r.status, 200);
      assert.equal(r.body.source, 'calls');
      assert.equal(r.body.totals.calls, 7);
    });

    test('a seller reads their own calls only, and never by seller', async () => {
      const own = await t.services.reports.report(sc.seller, {
        from: '2026-11-09',
        to: '2026-11-11',
        timezone: 'UTC',
        group_by: 'campaign',
        interval: 'day',
      });
      assert.equal(own.totals.calls, 6);
      const other = await t.userClient('seller');
      const r = await other.get('/api/reports?from=2026-11-09&to=2026-11-11');
      assert.equal(r.status, 200);
      assert.equal(r.body.totals.calls, 0);
      assert.deepEqual(r.body.rows, []);
      const bySeller = await other.get('/api/reports?from=2026-11-09&to=2026-11-11&group_by=seller');
      assert.equal(bySeller.status, 400);
      assert.match(bySeller.body.error.message, /admin and staff/);
    });

    test('bad periods are refused with a reason', async () => {
      const backwards = await report({ from: '2026-11-11', to: '2026-11-01' });
      assert.equal(backwards.status, 400);
      assert.match(backwards.body.error.message, /must not be after/);
      const long = await report({ from: '2026-01-01', to: '2026-03-01', interval: 'hour' });
      assert.equal(long.status, 400);
      assert.match(long.body.error.message, /at most 31 days/);
      assert.equal((await report({ from: '2026-13-01' })).status, 400);
      assert.equal((await report({ tz: 'EST' })).status, 400);
      assert.equal((await report({ group_by: 'planet' })).status, 400);
    });

    test('CSV exports of the rows and of the series', async () => {
      const rows = await admin.get('/api/reports/export.csv?from=2026-11-09&to=2026-11-11&group_by=buyer');
      assert.equal(rows.status, 200);
      assert.match(rows.headers.get('content-type') ?? '', /text\/csv/);
      const lines = (rows.body as string).trim().split('\n');
      assert.equal(
        lines[0],
        'buyer,label,calls,answered,converted,rejected,conversion_rate,average_handle_seconds,revenue,cost,profit',
      );
      assert.ok(
        lines.some((l) => l.includes(',Client 0,') && l.includes(',15.0000,')),
        lines.join('\n'),
      );
      const series = await admin.get('/api/reports/export.csv?from=2026-11-09&to=2026-11-11&view=series');
      assert.equal((series.body as string).trim().split('\n').length, 1 + 3);
    });

    test('a buyer statement lists its converted calls and the amount due, as JSON and CSV', async () => {
      const q = `client_id=${sc.clients[0]!.id}&from=2026-11-01&to=2026-11-30`;
      const s = await admin.get(`/api/reports/buyer-statement?${q}`);
      assert.equal(s.status, 200, JSON.stringify(s.body));
      assert.equal(s.body.converted_calls, 3);
      assert.equal(s.body.amount_due, '15.0000');
      assert.deepEqual(
        s.body.calls.map((c: any) => c.billsec),
        [60, 125, 90],
      );
      assert.equal(s.body.campaigns.length, 1);
      const csv = await admin.get(`/api/reports/buyer-statement.csv?${q}`);
      assert.equal(csv.status, 200);
      const lines = (csv.body as string).trim().split('\n');
      assert.equal(lines[0], 'call_id,started_at,caller_id,did,campaign,billsec,payout');
      assert.equal(lines.length, 4);
      const missing = await admin.get(
        `/api/reports/buyer-statement.csv?client_id=999999&from=2026-11-01&to=2026-11-30`,
      );
      assert.equal(missing.status, 404);
      const other = await t.userClient('seller');
      const theirs = await other.get(`/api/reports/buyer-statement?${q}`);
      assert.equal(theirs.body.converted_calls, 0);
    });
  });
}

/** A report with the parts that say where it was read from taken away. */
function strip(r: { source: string }) {
  const { source: _, ...rest } = r;
  return JSON.parse(JSON.stringify(rest));
}

/** The report of `q`, read from the calls: the repository's reference path, through the service's shape. */
async function reportFromCalls(
  t: TestApp,
  sc: Scenario,
  q: { from: string; to: string; timezone: string; group_by: GroupBy; interval: Interval },
) {
  const { createReportsService } = await import('../src/reports/reports.service.js');
  const fromCalls = createReportsService({ db: t.db, forceCalls: true });
  return fromCalls.report(sc.admin, q);
}
