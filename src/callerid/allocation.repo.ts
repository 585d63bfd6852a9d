import { one, type Queryable } from '../db/db.js';

export type MatchLevel = 'area_code' | 'region' | 'campaign_pool' | 'global';

/** One request for a caller ID at one preference level. */
export interface AllocationJob {
  /** The destination's area code (level `area_code`) or region (level `region`); else unused. */
  key: string | null;
  destination: string;
  agent: string | null;
  /** The campaign the request named, recorded on its allocation (it may have no pool of its own). */
  campaign: string | null;
  /** Count this request against the agent's per-minute limit (its first level only). */
  counted: boolean;
}

export interface Taken {
  id: number;
  number: string;
  reservation_id: number;
}

/** What one job got: a number or not, and the agent's count this minute when it was counted. */
export interface Outcome {
  taken: Taken | undefined;
  rate: number | null;
}

export interface Batch {
  level: MatchLevel;
  /** The ids of the pools the step takes from: a campaign's own, or the shared (global) ones. */
  pools: number[];
  now: Date;
  expires: Date;
  /** The agents' per-minute limit; null counts nothing. */
  rateLimit: number | null;
  /** Wait for the commit to reach the disk (setting `callerid.durable_allocations`). */
  durable: boolean;
}

/** The hour and the day $1 (the time of the request) falls in, in the time zone `tz`. */
export const hourOf = (tz: string) => `date_trunc('hour', $1::timestamptz, ${tz})`;
export const dayOf = (tz: string) => `date_trunc('day', $1::timestamptz, ${tz})`;

/**
 * Free to hand out now (numbers `n`): active, with a free place (not full: `leases`), under its
 * hourly and daily limits in its own time zone, in the step's pool (`own`: the campaign's in
 * `pool`; `shared`: a global one).
 */
const usable = (pools: string, one: boolean) => `n.status = 'active'
  AND ${inScope(pools, one)}
  AND (n.reserved_until IS NULL OR n.reserved_until <= $1)
  AND (n.hourly_limit IS NULL OR n.hour_start IS DISTINCT FROM ${hourOf('n.timezone')} OR n.hour_count < n.hourly_limit)
  AND (n.daily_limit IS NULL OR n.day_start IS DISTINCT FROM ${dayOf('n.timezone')} OR n.day_count < n.daily_limit)`;

/**
 * In the step's pool, given as the ids of its pools (the service looks them up, at most once a
 * second): no join to the pools, so the planner estimates the level's rows from the numbers' own
 * statistics and walks the LRU index to the first usable one. Joined to the pools and filtered
 * on \`p.campaign IS NULL\` it expected one row and sorted every number of the area code instead
 * (3-4x the database time per allocation, npm run bench:cid). One pool (a campaign has at most
 * one; the shared pools are usually one) is said as an equality, so the pool-wide levels walk
 * the pool's LRU index too (0.03 ms) instead of sorting the pool (37 ms for 100,000 numbers).
 */
const inScope = (pools: string, one: boolean) =>
  one ? `n.pool_id = (${pools})[1]` : `n.pool_id = ANY(${pools})`;

/** The level's condition, given where the destination's area code / region is (the pools are the step's). */
const onLevel = (level: MatchLevel, key: string) =>
  ({
    area_code: `n.area_code = ${key}`,
    region: `n.region = ${key}`,
    campaign_pool: 'true',
    global: 'true',
  })[level];

/** Least recently used first: the order the partial LRU indexes are walked in. */
const LRU = 'n.last_used_at NULLS FIRST, n.id';

/**
 * The number's reservations after a change, as the row-valued SET of
 * `(lease_ids, lease_until, reserved_until)`: its live ones (ending after `now`) less `drop`,
 * plus `add` (ids) ending at `until`, sorted by end; and when that fills its `max` places,
 * `reserved_until` = the end that frees the first place (the (live - max + 1)th), else NULL. The
 * same expression writes every change (take, release, report, a new max_concurrent), so
 * `reserved_until` is always what the allocation's filter needs: migrations/0021.
 */
export const leases = (o: { now: string; add?: string; until?: string; drop?: string; max?: string }) => `(
  SELECT coalesce(array_agg(l.i ORDER BY l.u, l.i), '{}'), coalesce(array_agg(l.u ORDER BY l.u, l.i), '{}'),
         CASE WHEN count(*) >= ${o.max ?? 'n.max_concurrent'}
              THEN (array_agg(l.u ORDER BY l.u, l.i))[count(*) - ${o.max ?? 'n.max_concurrent'} + 1] END
    FROM (SELECT o.i, o.u FROM unnest(n.lease_ids, n.lease_until) AS o(i, u)
           WHERE o.u > ${o.now}${o.drop ? ` AND o.i <> ${o.drop}` : ''}
          ${o.add ? `UNION ALL SELECT a, ${o.until} FROM unnest(${o.add}) AS a` : ''}) l(i, u))`;

/**
 * The reservations `rids` (an array of allocation ids, until $2) and `k` more uses on the
 * hour's and day's counters.
 */
const reserve = (
  rids: string,
  k: string,
) => `(lease_ids, lease_until, reserved_until) = ${leases({ now: '$1::timestamptz', add: rids, until: '$2::timestamptz' })},
  last_used_at = $1, updated_at = $1,
  hour_count = CASE WHEN n.hour_start = ${hourOf('n.timezone')} THEN n.hour_count ELSE 0 END + ${k}, hour_start = ${hourOf('n.timezone')},
  day_count = CASE WHEN n.day_start = ${dayOf('n.timezone')} THEN n.day_count ELSE 0 END + ${k}, day_start = ${dayOf('n.timezone')}`;

/**
 * How many more reservations the number `n` may take now: its free places, and no more than its
 * hourly and daily limits leave (`k` when it has neither).
 */
const room = (k: string) => `least(
  n.max_concurrent - (SELECT count(*) FROM unnest(n.lease_until) AS u WHERE u > $1)::int,
  CASE WHEN n.hourly_limit IS NULL THEN ${k}
       ELSE n.hourly_limit - CASE WHEN n.hour_start = ${hourOf('n.timezone')} THEN n.hour_count ELSE 0 END END,
  CASE WHEN n.daily_limit IS NULL THEN ${k}
       ELSE n.daily_limit - CASE WHEN n.day_start = ${dayOf('n.timezone')} THEN n.day_count ELSE 0 END END)`;

/**
 * The statement's own transaction commits without waiting for the disk unless `param` is 'on':
 * a reservation is a lease of minutes and the allocation rows are statistics, so a PostgreSQL
 * crash may forget the last fraction of a second of them, as if those requests had never come
 * (the database stays consistent). Everything else CapConduit writes commits synchronously.
 * The setting lasts until the end of the transaction, so these statements run in their own.
 */
const durability = (param: string) =>
  `durability AS (SELECT set_config('synchronous_commit', ${param}::text, true) AS synchronous_commit)`;

/** The most live calls one caller ID may serve at once: the column's CHECK, migrations/0021. */
export const MAX_CONCURRENT = 50;

const NEXT_ALLOCATION_ID = `nextval(pg_get_serial_sequence('callerid_allocations', 'id'))`;

/**
 * One request: counts the agent's rate, takes the least recently used usable number of the
 * level with SKIP LOCKED (concurrent requests take different numbers instead of waiting; a
 * number another request has just reserved fails the re-checked WHERE), reserves it and logs the
 * allocation, in one statement. Params: $1 now, $2 expires, $3 the pools' ids,
 * $4 key, $5 destination, $6 agent, $7 level, $8 rate limit (null: not counted), $9
 * synchronous_commit ('on' or 'off'), $10 the campaign the request named (recorded).
 */
const takeOneSql = (level: MatchLevel, one: boolean) => `
WITH ${durability('$9')},
args AS (SELECT $3::bigint[] AS pools, $4::text AS key),
rate AS (
  INSERT INTO callerid_agent_rate AS r (agent, window_start, count)
  SELECT $6::text, date_trunc('minute', $1::timestamptz), 1 WHERE $8::int IS NOT NULL AND $6::text IS NOT NULL
  ON CONFLICT (agent) DO UPDATE SET
    count = CASE WHEN r.window_start = EXCLUDED.window_start THEN r.count + 1 ELSE 1 END,
    window_start = EXCLUDED.window_start
  RETURNING count
), rid AS (SELECT ${NEXT_ALLOCATION_ID} AS id),
pick AS (
  SELECT n.id FROM callerid_numbers n, args
   WHERE NOT EXISTS (SELECT 1 FROM rate WHERE rate.count > $8::int)
     AND ${onLevel(level, 'args.key')} AND ${usable('args.pools', one)}
   ORDER BY ${LRU} LIMIT 1
   FOR UPDATE OF n SKIP LOCKED
), up AS (
  UPDATE callerid_numbers n SET ${reserve('ARRAY[rid.id]', '1')}
    FROM pick, rid WHERE n.id = pick.id
  RETURNING n.id, n.number, rid.id AS reservation_id
), ins AS (
  INSERT INTO callerid_allocations (id, number_id, campaign, agent, destination, match, allocated_at, expires_at)
  OVERRIDING SYSTEM VALUE
  SELECT up.reservation_id, up.id, $10, $6, $5, $7, $1, $2 FROM up
)
SELECT (SELECT count FROM rate) AS rate, up.* FROM durability LEFT JOIN up ON true`;

/**
 * Many requests of one level and campaign in one statement, with the same guarantees as
 * `takeOneSql`. Agents' rows are counted in a fixed order (no deadlock between batches); a job
 * over its agent's limit takes nothing. Jobs are grouped by key (disjoint sets of numbers at
 * every level, since a batch takes from one set of pools); each group locks its k least recently
 * used usable numbers and hands out their free places in job order: one place of each number
 * first, in LRU order; then, when jobs remain, the further places of those that have them
 * (max_concurrent > 1) in id order: all were just used at the same instant, and that is the order
 * requests one after another at that instant would take them in. A number taken several times is
 * written once, with all its new reservations. Params: $1 now, $2 expires, $3 the pools' ids,
 * $4 level, $5 rate limit, $6 the jobs as JSON (a record set, so the
 * generic plan is the cheap one; each names its own campaign), $7 synchronous_commit.
 */
const takeManySql = (level: MatchLevel, one: boolean) => `
WITH ${durability('$7')},
job AS (
  SELECT * FROM jsonb_to_recordset($6::jsonb)
    AS j(i int, key text, destination text, agent text, campaign text, counted boolean)
), agents AS (
  SELECT agent, count(*)::int AS k FROM job
   WHERE counted AND agent IS NOT NULL AND $5::int IS NOT NULL GROUP BY agent
), rate AS (
  INSERT INTO callerid_agent_rate AS r (agent, window_start, count)
  SELECT agent, date_trunc('minute', $1::timestamptz), k FROM agents ORDER BY agent
  ON CONFLICT (agent) DO UPDATE SET
    count = CASE WHEN r.window_start = EXCLUDED.window_start THEN r.count ELSE 0 END + EXCLUDED.count,
    window_start = EXCLUDED.window_start
  RETURNING agent, count
), rated AS (
  SELECT job.i, job.key,
         rate.count - agents.k + row_number() OVER (PARTITION BY job.agent, rate.count IS NULL ORDER BY job.i) AS rate
    FROM job LEFT JOIN agents ON job.counted AND agents.agent = job.agent
             LEFT JOIN rate ON rate.agent = agents.agent
), grp AS (
  SELECT key, count(*)::int AS k, array_agg(i ORDER BY i) AS members FROM rated
   WHERE rate IS NULL OR rate <= $5::int GROUP BY key
), pick AS (
  SELECT g.members, x.id,
         row_number() OVER (PARTITION BY g.key ORDER BY s.place > 1,
                            CASE WHEN s.place = 1 THEN x.last_used_at END NULLS FIRST, x.id, s.place) AS pos
    FROM grp g CROSS JOIN LATERAL (
      SELECT n.id, n.last_used_at, ${room('g.k')} AS room FROM callerid_numbers n
       WHERE ${onLevel(level, 'g.key')} AND ${usable('$3::bigint[]', one)}
       ORDER BY ${LRU} LIMIT g.k
       FOR UPDATE OF n SKIP LOCKED) x
    -- Constant bounds, filtered: generate_series(1, x.room) is estimated at 1,000 rows per number,
    -- which priced the statement past jit_above_cost (150 ms of JIT compilation per batch).
    JOIN generate_series(1, ${MAX_CONCURRENT}) AS s(place) ON s.place <= least(x.room, g.k)
), slot AS (
  SELECT members[pos] AS i, id, ${NEXT_ALLOCATION_ID} AS rid FROM pick WHERE pos <= cardinality(members)
), per AS (
  SELECT id, array_agg(rid ORDER BY rid) AS rids, count(*)::int AS k FROM slot GROUP BY id
), up AS (
  UPDATE callerid_numbers n SET ${reserve('per.rids', 'per.k')}
    FROM per WHERE n.id = per.id
  RETURNING n.id, n.number
), got AS (
  SELECT slot.i, up.id, up.number, slot.rid AS reservation_id FROM slot JOIN up USING (id)
), ins AS (
  INSERT INTO callerid_allocations (id, number_id, campaign, agent, destination, match, allocated_at, expires_at)
  OVERRIDING SYSTEM VALUE
  SELECT got.reservation_id, got.id, job.campaign, job.agent, job.destination, $4, $1, $2 FROM got JOIN job USING (i)
)
SELECT rated.i, rated.rate, got.id, got.number, got.reservation_id
  FROM durability, rated LEFT JOIN got USING (i)`;

const LEVELS: MatchLevel[] = ['area_code', 'region', 'campaign_pool', 'global'];
const statements = (sql: (level: MatchLevel, one: boolean) => string) =>
  new Map(LEVELS.flatMap((l) => [true, false].map((one) => [`${l}:${one}`, sql(l, one)] as const)));
// Built once: the texts are also the prepared statements' keys.
const TAKE_ONE = statements(takeOneSql);
const TAKE_MANY = statements(takeManySql);

type Row = Partial<Taken> & { rate: number | null };
const outcome = (row: Row | undefined): Outcome => ({
  taken: row?.id === undefined || row.id === null ? undefined : (row as Taken),
  rate: row?.rate ?? null,
});

export function createAllocationRepo(db: Queryable) {
  return {
    /** Takes a number for each job (in order); see `takeOneSql` and `takeManySql`. */
    async take(b: Batch, jobs: AllocationJob[]): Promise<Outcome[]> {
      const synchronousCommit = b.durable ? 'on' : 'off';
      if (jobs.length === 1) {
        const j = jobs[0]!;
        const row = await one<Row>(db, TAKE_ONE.get(`${b.level}:${b.pools.length === 1}`)!, [
          b.now,
          b.expires,
          b.pools,
          j.key,
          j.destination,
          j.agent,
          b.level,
          j.counted ? b.rateLimit : null,
          synchronousCommit,
          j.campaign,
        ]);
        return [outcome(row)];
      }
      const { rows } = await db.query<Row & { i: number }>(
        TAKE_MANY.get(`${b.level}:${b.pools.length === 1}`)!,
        [
          b.now,
          b.expires,
          b.pools,
          b.level,
          b.rateLimit,
          // Only the record set's columns: the allocator's jobs carry more (TTL, limit, durability).
          JSON.stringify(
            jobs.map((j, i) => ({
              i: i + 1,
              key: j.key,
              destination: j.destination,
              agent: j.agent,
              campaign: j.campaign,
              counted: j.counted,
            })),
          ),
          synchronousCommit,
        ],
      );
      const byJob = new Map(rows.map((r) => [r.i, r]));
      return jobs.map((_, i) => outcome(byJob.get(i + 1)));
    },
  };
}

export type AllocationRepo = ReturnType<typeof createAllocationRepo>;
