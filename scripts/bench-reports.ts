/**
 * `npm run bench:reports`: how fast the pages that read many calls answer, at 1,000 calls and at
 * a busy tenant's month (1,000,000 calls), through the real HTTP API on a throwaway database of
 * the local PostgreSQL.
 *
 * One seller (the busy tenant) with 20 campaigns, 60 DIDs and 10 buyers; callers spread over 300
 * area codes; about 70 % answered, 45 % converted, 5 % rejected, over the 30 days of November 2026
 * (and a second seller with a tenth as many calls, so the tables hold more than the tenant's).
 * The calls are written by INSERT … SELECT through the rollup trigger, as ended calls are
 * (migrations/0016_call_rollups.sql), so the rollups are built by the production code path.
 *
 * Read, each `BENCH_READS` times (default 40) after 3 warm-up reads, as admin and as the seller:
 * the month's report by each grouping (per day, in America/New_York), the month per hour of one
 * week, the call log's first page, and the overview of the last day. p50 and p95 in ms.
 *
 *   npm run bench:reports                        # 1,000 then 1,000,000 calls
 *   BENCH_CALLS=200000 npm run bench:reports     # a smaller second stage
 */
import { NANP_AREA_CODES } from '../src/callerid/nanp.js';
import type { Actor } from '../src/shared/types.js';
import { startTestApp, type Client, type TestApp } from '../test/helpers/app.js';

const TOTAL = Number(process.env.BENCH_CALLS ?? 1_000_000);
const READS = Number(process.env.BENCH_READS ?? 40);
const MONTH_START = Date.parse('2026-11-01T05:00:00Z'); // midnight in New York
const MONTH_MS = 30 * 86_400_000;

interface Tenant {
  sellerId: number;
  campaigns: number[];
  clients: number[];
  links: number[];
  dids: string[];
}

async function tenant(
  t: TestApp,
  admin: Client & { user: Actor },
  seller: { id: number },
  campaigns: number,
  clients: number,
): Promise<Tenant> {
  const s = t.services;
  await s.balances.topUp(admin.user, seller.id, { amount: '1000000' });
  const out: Tenant = { sellerId: seller.id, campaigns: [], clients: [], links: [], dids: [] };
  const actor = { id: seller.id, email: '', name: '', role: 'seller' as const };
  for (let k = 0; k < clients; k++) {
    const c = await s.clients.create({
      name: `Buyer ${seller.id}-${k}`,
      client_identifier: `b${seller.id}x${k}`,
      sip_host: `192.0.2.${k + 1}`,
      max_concurrency: null,
      business_hours: null,
      timezone: 'UTC',
    });
    out.clients.push(c.id);
  }
  for (let i = 0; i < campaigns; i++) {
    const cp = await s.campaigns.create(actor, { name: `Campaign ${seller.id}-${i}` });
    out.campaigns.push(cp.id);
    const dids: number[] = [];
    for (let d = 0; d < 3; d++) {
      const number = `+1415${String(2_000_000 + seller.id * 1000 + i * 10 + d)}`;
      const did = await s.dids.addOne({ number });
      await s.dids.assign(did.id, seller.id);
      dids.push(did.id);
      out.dids.push(number);
    }
    await s.campaigns.attachDids(actor, cp.id, dids);
    const link = await s.links.create(actor, cp.id, {
      client_id: out.clients[i % clients]!,
      payout: '12.50',
      min_billable_duration: 90,
    });
    out.links.push(link.id);
  }
  return out;
}

/** Ended calls for a tenant, `count` of them spread over the month, through the rollup trigger. */
async function addCalls(t: TestApp, tn: Tenant, from: number, count: number, areas: string[]) {
  const batch = 50_000;
  for (let done = 0; done < count; done += batch) {
    const n = Math.min(batch, count - done);
    await t.db.query(
      `WITH g AS (
         SELECT i, random() AS r, (i % $8) AS k, floor(random() * $9)::int AS a,
                $2::timestamptz + (random() * $3) * interval '1 millisecond' AS at,
                floor(random() * 600)::int AS secs
           FROM generate_series($4::bigint, $4::bigint + $5 - 1) AS i
       )
       INSERT INTO calls (pbx, uniqueid, generation, state, did, caller_id, campaign_id, seller_id, link_id, client_id,
                          started_at, answered_at, ended_at, duration, billsec, disposition, dial_status,
                          routing_status, billable, cost, payout, source, end_reason, expires_at)
       SELECT 'bench', 'b' || $1::bigint || '-' || g.i, 0, 'ended', ($6::text[])[1 + g.k * 3 % array_length($6::text[], 1)],
              '+1' || ($10::text[])[1 + g.a] || '5550' || lpad((g.i % 1000)::text, 3, '0'),
              ($7::bigint[])[1 + g.k], $1::bigint, CASE WHEN g.r < 0.70 THEN ($11::bigint[])[1 + g.k] END,
              CASE WHEN g.r < 0.70 THEN ($12::bigint[])[1 + g.k % array_length($12::bigint[], 1)] END,
              g.at, CASE WHEN g.r < 0.70 THEN g.at + interval '8 seconds' END, g.at + make_interval(secs => g.secs + 8),
              g.secs + 8, CASE WHEN g.r < 0.70 THEN g.secs ELSE 0 END,
              CASE WHEN g.r < 0.70 THEN 'ANSWERED' WHEN g.r < 0.95 THEN 'NO ANSWER' ELSE 'FAILED' END,
              CASE WHEN g.r < 0.70 THEN 'ANSWER' WHEN g.r < 0.95 THEN 'NOANSWER' END,
              CASE WHEN g.r < 0.95 THEN 'routed' ELSE 'rejected' END,
              g.r < 0.70 AND g.secs >= 90,
              CASE WHEN g.r < 0.70 THEN round(ceil(g.secs / 6.0) * 6 * 0.05 / 60, 4) ELSE 0 END,
              CASE WHEN g.r < 0.70 AND g.secs >= 90 THEN 12.5 ELSE 0 END,
              'agi', 'hangup', g.at + interval '4 hours'
         FROM g`,
      [
        tn.sellerId,
        new Date(MONTH_START),
        MONTH_MS,
        from + done,
        n,
        tn.dids,
        tn.campaigns,
        tn.campaigns.length,
        areas.length,
        areas,
        tn.links,
        tn.clients,
      ],
    );
  }
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

async function timed(client: Client, path: string): Promise<{ p50: number; p95: number }> {
  const times: number[] = [];
  for (let i = 0; i < READS + 3; i++) {
    const t0 = performance.now();
    const r = await client.get(path);
    const ms = performance.now() - t0;
    if (r.status !== 200) throw new Error(`${path}: ${r.status} ${JSON.stringify(r.body)}`);
    if (i >= 3) times.push(ms);
  }
  times.sort((a, b) => a - b);
  return { p50: quantile(times, 0.5), p95: quantile(times, 0.95) };
}

const READS_LIST: [string, string][] = [
  ...(['campaign', 'buyer', 'did', 'area', 'state'] as const).map((g): [string, string] => [
    `month by ${g}, per day`,
    `/api/reports?from=2026-11-01&to=2026-11-30&tz=America/New_York&group_by=${g}&interval=day`,
  ]),
  [
    'a week per hour',
    '/api/reports?from=2026-11-10&to=2026-11-16&tz=America/New_York&group_by=campaign&interval=hour',
  ],
  ['call log, first page', '/api/calls?limit=50&offset=0'],
  ['overview', '/api/stats/overview?tz=America/New_York'],
];

async function measure(label: string, viewers: [string, Client][]) {
  const rows: string[] = [];
  for (const [name, path] of [
    ...READS_LIST,
    [
      'month by seller, per day (admin)',
      READS_LIST[0]![1].replace('group_by=campaign', 'group_by=seller'),
    ] as [string, string],
  ]) {
    for (const [who, c] of viewers) {
      if (who === 'seller' && name.includes('(admin)')) continue;
      const { p50, p95 } = await timed(c, path);
      rows.push(`| ${label} | ${name} | ${who} | ${p50.toFixed(1)} | ${p95.toFixed(1)} |`);
    }
  }
  return rows;
}

async function main() {
  const t = await startTestApp('postgres');
  try {
    t.clock.set('2026-11-30T20:00:00Z');
    const admin = await t.userClient('admin');
    const seller = await t.userClient('seller');
    const other = await t.userClient('seller');
    const areas = [...NANP_AREA_CODES.keys()].slice(0, 300);
    const busy = await tenant(t, admin, seller.user, 20, 10);
    const quiet = await tenant(t, admin, other.user, 5, 3);
    const viewers: [string, Client][] = [
      ['admin', admin],
      ['seller', seller],
    ];
    const out = ['| calls | read | as | p50 ms | p95 ms |', '| --- | --- | --- | --- | --- |'];

    await addCalls(t, busy, 0, 1000, areas);
    await addCalls(t, quiet, 0, 100, areas);
    await t.db.query('ANALYZE');
    out.push(...(await measure('1,000', viewers)));

    const t0 = performance.now();
    await addCalls(t, busy, 1000, TOTAL - 1000, areas);
    const seconds = (performance.now() - t0) / 1000;
    await addCalls(t, quiet, 100, Math.floor(TOTAL / 10) - 100, areas);
    await t.db.query('VACUUM ANALYZE');
    const counts = await t.db.query<{ calls: number; rollups: number }>(
      `SELECT (SELECT count(*) FROM calls)::int AS calls, (SELECT count(*) FROM call_rollups)::int AS rollups`,
    );
    const size = TOTAL.toLocaleString('en-US');
    out.push(...(await measure(size, viewers)));
    console.log(out.join('\n'));
    console.log(
      `\n${counts.rows[0]!.calls.toLocaleString('en-US')} calls, ${counts.rows[0]!.rollups.toLocaleString('en-US')} rollup rows; ` +
        `${(TOTAL - 1000).toLocaleString('en-US')} ended calls written through the rollup trigger in ${seconds.toFixed(0)} s ` +
        `(${Math.round((TOTAL - 1000) / seconds).toLocaleString('en-US')} calls/s, 50,000 per statement)`,
    );
  } finally {
    await t.close();
  }
}

await main();
