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
 * Free to hand out now (numbers `n`): active, not reserved, under its hourly and daily
 * limits in its own time zone, in the step's pool (`own`: the campaign's in `pool`; `shared`: a
 * global one).
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

/** The reservation (until $2, with id `rid`) and the hour's and day's use counters. */
const reserve = (
  rid: string,
) => `reserved_until = $2, reservation_id = ${rid}, last_used_at = $1, updated_at = $1,
  hour_count = CASE WHEN n.hour_start = ${hourOf('n.timezone')} THEN n.hour_count ELSE 0 END + 1, hour_start = ${hourOf('n.timezone')},
  day_count = CASE WHEN n.day_start = ${dayOf('n.timezone')} THEN n.day_count ELSE 0 END + 1, day_start = ${dayOf('n.timezone')}`;

/**
 * The statement's own transaction commits without waiting for the disk unless `param` is 'on':
 * a reservation is a lease of minutes and the allocation rows are statistics, so a PostgreSQL
 * crash may forget the last fraction of a second of them, as if those requests had never come
 * (the database stays consistent). Everything else CapConduit writes commits synchronously.
 * The setting lasts until the end of the transaction, so these statements run in their own.
 */
const durability = (param: string) =>
  `durability AS (SELECT set_config('synchronous_commit', ${param}::text, true) AS synchronous_commit)`;

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
  UPDATE callerid_numbers n SET ${reserve('rid.id')}
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
 * every level, since a batch takes from one set of pools); each group takes its k least recently
 * used usable numbers, handed out in job order. Params: $1 now, $2 expires, $3 the pools' ids,
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
  SELECT g.members[row_number() OVER (PARTITION BY g.key ORDER BY x.last_used_at NULLS FIRST, x.id)] AS i,
         x.id, ${NEXT_ALLOCATION_ID} AS rid
    FROM grp g CROSS JOIN LATERAL (
      SELECT n.id, n.last_used_at FROM callerid_numbers n
       WHERE ${onLevel(level, 'g.key')} AND ${usable('$3::bigint[]', one)}
       ORDER BY ${LRU} LIMIT g.k
       FOR UPDATE OF n SKIP LOCKED) x
), up AS (
  UPDATE callerid_numbers n SET ${reserve('pick.rid')}
    FROM pick WHERE n.id = pick.id
  RETURNING pick.i, n.id, n.number, pick.rid AS reservation_id
), ins AS (
  INSERT INTO callerid_allocations (id, number_id, campaign, agent, destination, match, allocated_at, expires_at)
  OVERRIDING SYSTEM VALUE
  SELECT up.reservation_id, up.id, job.campaign, job.agent, job.destination, $4, $1, $2 FROM up JOIN job USING (i)
)
SELECT rated.i, rated.rate, up.id, up.number, up.reservation_id
  FROM durability, rated LEFT JOIN up USING (i)`;

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
