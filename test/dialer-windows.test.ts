import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import type { Db, Queryable } from '../src/db/db.js';
import { regionKey, windowOpen, type CallWindow, type CampaignHours } from '../src/dialer/windows.js';
import { windowOpenSql } from '../src/dialer/windows.sql.js';
import { backends, createTestDb, type TestDatabase } from './helpers/db.js';

/**
 * The claim statement's calling-window expression (windows.sql.ts) and windowOpen (windows.ts) are
 * written apart; here they must agree for random leads, campaigns, region windows and instants,
 * many of them minutes from a DST change or exactly on a window's edge.
 */

const ZONES = [
  'America/New_York', 'America/Chicago', 'America/Denver', 'America/Phoenix', 'America/Los_Angeles',
  'America/Anchorage', 'America/Adak', 'Pacific/Honolulu', 'America/St_Johns', 'America/Halifax',
  'Europe/London', 'Asia/Kolkata',
]; // prettier-ignore
const REGIONS: readonly (readonly [string, string])[] = [
  ['US', 'TX'], ['US', 'FL'], ['US', 'NY'], ['US', 'AK'], ['CA', 'NL'], ['CA', 'ON'], ['GB', 'ENG'],
]; // prettier-ignore

/** Local 02:00 on the US and Canadian change days (2026-03-08, 2026-11-01), 01:00 UTC in the EU. */
const CHANGES = [
  ...['05:30', '06:00', '07:00', '08:00', '09:00', '10:00', '11:00', '12:00'].map((t) => `2026-03-08T${t}Z`),
  ...['04:30', '05:00', '06:00', '07:00', '08:00', '09:00', '10:00', '11:00'].map((t) => `2026-11-01T${t}Z`),
  '2026-03-29T01:00Z',
  '2026-10-25T01:00Z',
].map((s) => Date.parse(s));

const DEFAULT: CallWindow = { start: '08:00', end: '21:00' };
const MINUTE = 60_000;
const DAY = 1440 * MINUTE;

/** Minutes into the day up to `max`: mostly on the half-hour grid, else to the second. */
const minutes = (max: number) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.integer({ min: 0, max: max / 30 }).map((h) => h * 30) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: max * 60 - 1 }).map((s) => s / 60) },
  );
const hhmmss = (minutes: number) => {
  const s = Math.round(minutes * 60);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(s / 3600))}:${pad(Math.floor(s / 60) % 60)}${s % 60 ? `:${pad(s % 60)}` : ''}`;
};
/** A window starting by 14:00 (so windows overlap often), ending by 24:00 (PostgreSQL's end of day). */
const span: fc.Arbitrary<CallWindow> = fc.tuple(minutes(840), minutes(1440)).map(([start, length]) => ({
  start: hhmmss(start),
  end: hhmmss(Math.min(1440, start + Math.max(length, 1 / 60))),
}));

const campaign: fc.Arbitrary<CampaignHours> = fc
  .record({
    hours: fc.oneof({ weight: 3, arbitrary: span }, fc.constant(DEFAULT)),
    callDays: fc.oneof(fc.constant([1, 2, 3, 4, 5, 6, 7]), fc.subarray([1, 2, 3, 4, 5, 6, 7])),
    unknownTzZone: fc.option(fc.constantFrom(...ZONES)),
  })
  .map(({ hours, ...c }) => ({ callStart: hours.start, callEnd: hours.end, ...c }));

const lead = fc
  .record({
    place: fc.oneof(
      fc.constantFrom(...REGIONS),
      fc.constant([null, null] as const),
      fc.constant(['US', null] as const),
    ),
    timeZones: fc.oneof(fc.constant([]), {
      weight: 3,
      arbitrary: fc.subarray(ZONES, { minLength: 1, maxLength: 3 }),
    }),
  })
  .map(({ place: [country, region], timeZones }) => ({ country, region, timeZones }));

const instant = fc.oneof(
  fc.tuple(fc.constantFrom(...CHANGES), fc.integer({ min: -150, max: 150 })).map(([t, m]) => t + m * MINUTE),
  fc
    .tuple(fc.integer({ min: 0, max: 364 }), fc.integer({ min: 0, max: 47 }))
    .map(([d, h]) => Date.UTC(2026, 0, 1) + d * DAY + h * 30 * MINUTE),
  fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2027, 0, 1) }),
);
const jitter = fc.constantFrom(0, 0, 0, -1, 1, -1000, 999);

const world = fc.record({
  campaigns: fc.array(campaign, { minLength: 4, maxLength: 8 }),
  leads: fc.array(lead, { minLength: 10, maxLength: 25 }),
  regionWindows: fc
    .subarray([...REGIONS])
    .chain((rs) => fc.tuple(...rs.map((r) => span.map((w) => [r, w] as const)))),
  defaults: fc.oneof(fc.constant(DEFAULT), { weight: 3, arbitrary: span }),
  instants: fc.array(
    fc.tuple(instant, jitter).map(([t, j]) => new Date(t + j)),
    { minLength: 10, maxLength: 20 },
  ),
});
type World = typeof world extends fc.Arbitrary<infer W> ? W : never;

/** Writes the world (one list, its leads, the campaigns, the region windows); returns the ids. */
async function store(db: Queryable, w: World): Promise<{ campaignIds: number[]; leadIds: number[] }> {
  for (const table of ['dialer_leads', 'dialer_lists', 'dialer_campaigns', 'dialer_region_windows'])
    await db.query(`DELETE FROM ${table}`);
  const ids = async (sql: string, params: unknown[]) =>
    (await db.query<{ id: number; n: number }>(sql, params)).rows.sort((a, b) => a.n - b.n).map((r) => r.id);
  const campaignIds = await ids(
    `INSERT INTO dialer_campaigns (name, call_start, call_end, call_days, unknown_tz_zone)
     SELECT 'c' || n, s, e, d::smallint[], z FROM unnest($1::time[], $2::time[], $3::text[], $4::text[])
       WITH ORDINALITY AS x(s, e, d, z, n)
     RETURNING id, substr(name, 2)::int AS n`,
    [
      w.campaigns.map((c) => c.callStart),
      w.campaigns.map((c) => c.callEnd),
      w.campaigns.map((c) => `{${c.callDays.join(',')}}`),
      w.campaigns.map((c) => c.unknownTzZone),
    ],
  );
  const list = await db.query<{ id: number }>(
    `INSERT INTO dialer_lists (name) VALUES ('windows') RETURNING id`,
  );
  const leadIds = await ids(
    `INSERT INTO dialer_leads (list_id, phone, country, region, time_zones)
     SELECT $1, '+1555' || lpad(n::text, 7, '0'), c, r, z::text[]
       FROM unnest($2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS x(c, r, z, n)
     RETURNING id, substr(phone, 6)::int AS n`,
    [
      list.rows[0]!.id,
      w.leads.map((l) => l.country),
      w.leads.map((l) => l.region),
      w.leads.map((l) => `{${l.timeZones.join(',')}}`),
    ],
  );
  await db.query(
    `INSERT INTO dialer_region_windows (country, region, window_start, window_end)
     SELECT * FROM unnest($1::text[], $2::text[], $3::time[], $4::time[])`,
    [
      w.regionWindows.map(([[country]]) => country),
      w.regionWindows.map(([[, region]]) => region),
      w.regionWindows.map(([, s]) => s.start),
      w.regionWindows.map(([, s]) => s.end),
    ],
  );
  return { campaignIds, leadIds };
}

const EXPR = windowOpenSql({ lead: 'l', campaign: 'c', now: 'n.at', defaultStart: '$2', defaultEnd: '$3' });

/** Every (lead, campaign, instant) where the statement and windowOpen disagree. */
async function disagreements(db: Db, w: World): Promise<string[]> {
  const { campaignIds, leadIds } = await store(db, w);
  const { rows } = await db.transaction(async (tx) => {
    // The cross join's estimate would make PostgreSQL JIT-compile it, which takes seconds.
    await tx.query('SET LOCAL jit = off');
    return tx.query<{ lead: number; campaign: number; i: number; open: boolean }>(
      `SELECT l.id AS lead, c.id AS campaign, n.i::int AS i, ${EXPR} AS open
         FROM dialer_leads l CROSS JOIN dialer_campaigns c
        CROSS JOIN unnest($1::timestamptz[]) WITH ORDINALITY AS n(at, i)`,
      [w.instants.map((d) => d.toISOString()), w.defaults.start, w.defaults.end],
    );
  });
  assert.equal(rows.length, leadIds.length * campaignIds.length * w.instants.length);
  const regionWindows = new Map(w.regionWindows.map(([[c, r], s]) => [regionKey(c, r), s]));
  const bad: string[] = [];
  for (const row of rows) {
    const l = w.leads[leadIds.indexOf(row.lead)]!;
    const c = w.campaigns[campaignIds.indexOf(row.campaign)]!;
    const at = w.instants[row.i - 1]!;
    const js = windowOpen(l, c, regionWindows, w.defaults, at);
    if (js !== row.open) bad.push(`${at.toISOString()} sql=${row.open} ${JSON.stringify({ l, c })}`);
  }
  return bad.slice(0, 5);
}

for (const kind of backends()) {
  describe(`dialer calling windows on ${kind}`, () => {
    let t: TestDatabase;
    before(async () => {
      t = await createTestDb(kind);
    });
    after(() => t.drop());

    test('the claim statement’s window expression is windowOpen, across DST changes and window edges', async () => {
      await fc.assert(
        fc.asyncProperty(world, async (w) => assert.deepEqual(await disagreements(t.db, w), [])),
        { numRuns: 12 },
      );
    });

    test('the expression works in a WHERE clause with untyped parameters', async () => {
      const w: World = {
        campaigns: [{ callStart: '09:00', callEnd: '17:00', callDays: [1, 2, 3, 4, 5], unknownTzZone: null }],
        leads: [
          { country: 'US', region: 'TX', timeZones: ['America/Chicago', 'America/Denver'] },
          { country: 'US', region: 'NY', timeZones: ['America/New_York'] },
          { country: null, region: null, timeZones: [] },
        ],
        regionWindows: [[['US', 'NY'], { start: '10:00', end: '20:00' }]],
        defaults: { start: '08:00', end: '21:00' },
        instants: [],
      };
      const { leadIds } = await store(t.db, w);
      const expr = windowOpenSql({
        lead: 'l',
        campaign: 'c',
        now: '$1',
        defaultStart: '$2',
        defaultEnd: '$3',
      });
      const open = async (iso: string) =>
        (
          await t.db.query<{ id: number }>(
            `SELECT l.id FROM dialer_leads l JOIN dialer_lists li ON li.id = l.list_id
               CROSS JOIN dialer_campaigns c WHERE ${expr} ORDER BY l.id`,
            [new Date(iso), '08:00', '21:00'],
          )
        ).rows.map((r) => leadIds.indexOf(r.id));
      // Monday after the change to summer time: EDT is UTC-4, CDT UTC-5, MDT UTC-6.
      assert.deepEqual(await open('2026-03-09T13:59:59.999Z'), []);
      assert.deepEqual(await open('2026-03-09T14:00:00Z'), [1]); // 10:00 in New York, where calls start at 10
      assert.deepEqual(await open('2026-03-09T14:59:59.999Z'), [1]); // 08:59 in El Paso
      assert.deepEqual(await open('2026-03-09T15:00:00Z'), [0, 1]);
      assert.deepEqual(await open('2026-03-09T21:00:00Z'), [0]); // 17:00 in New York
      assert.deepEqual(await open('2026-03-09T22:00:00Z'), []); // 17:00 in Dallas
      assert.deepEqual(await open('2026-03-14T16:00:00Z'), []); // Saturday
    });
  });
}
