import { many, one, type Queryable } from '../db/db.js';
import { ENDED_STATES, sqlList } from '../calls/call-state.js';
import { SqlParams } from '../shared/sql.js';

/** A dimension rollups are kept by (migrations/0016_call_rollups.sql). */
export type RollupDim = 'seller' | 'campaign' | 'client' | 'did' | 'area';
export type Interval = 'hour' | 'day' | 'month';

/** What a report sums over a set of calls; money as decimal strings. */
export interface Measures {
  calls: number;
  answered: number;
  converted: number;
  rejected: number;
  billsec: number;
  cost: string;
  payout: string;
}

/** The period a report reads: local dates `from` to `to` inclusive, in `timezone`; `sellerId` null is every seller. */
export interface ReportScope {
  from: string;
  to: string;
  timezone: string;
  sellerId: number | null;
  /** The instants the dates begin and end at in the zone (createReportsRepo#instants). */
  start: Date;
  end: Date;
}

/** Restricts a report to calls whose `dim` is one of `keys` (a campaign, a buyer, a state's area codes). */
export interface KeyFilter {
  dim: RollupDim;
  keys: string[];
}

const ENDED = sqlList(ENDED_STATES);

/** Reports are planned with their values (see QueryOptions.planEachTime). */
const REPORT = { planEachTime: true };

/** The dimensions also kept per UTC day (migrations/0016_call_rollups.sql). */
const DAILY: ReadonlySet<RollupDim> = new Set(['did', 'area']);

/** A call's key in each dimension, as the rollup trigger computes it. */
const CALL_KEY: Record<RollupDim, string> = {
  seller: `coalesce(c.seller_id::text, '')`,
  campaign: `coalesce(c.campaign_id::text, '')`,
  client: `coalesce(c.client_id::text, '')`,
  did: `coalesce(c.did, '')`,
  area: `call_caller_area(c.caller_id)`,
};

const SUM_ROLLUPS = `coalesce(sum(r.calls), 0)::int AS calls, coalesce(sum(r.answered), 0)::int AS answered,
  coalesce(sum(r.converted), 0)::int AS converted, coalesce(sum(r.rejected), 0)::int AS rejected,
  coalesce(sum(r.billsec), 0)::float8 AS billsec, coalesce(sum(r.cost), 0)::numeric(16,4)::text AS cost,
  coalesce(sum(r.payout), 0)::numeric(16,4)::text AS payout`;

const SUM_CALLS = `count(c.id)::int AS calls, count(c.id) FILTER (WHERE c.answered_at IS NOT NULL)::int AS answered,
  count(c.id) FILTER (WHERE c.billable)::int AS converted,
  count(c.id) FILTER (WHERE c.routing_status IN ('rejected', 'unrouted'))::int AS rejected,
  coalesce(sum(c.billsec), 0)::float8 AS billsec, coalesce(sum(c.cost), 0)::numeric(16,4)::text AS cost,
  coalesce(sum(c.payout), 0)::numeric(16,4)::text AS payout`;

/**
 * A scope's zone and bounds as parameters. The bounds are instants computed once
 * (createReportsRepo#instants), never expressions of the zone: a plan PostgreSQL keeps for a
 * prepared statement would otherwise work the zone out again on every row it filters (a month's
 * report by area code took 1.6 s instead of 40 ms).
 */
function bounds(s: ReportScope, p: SqlParams) {
  let tz: string | undefined;
  return {
    /** The zone's parameter, added only where a statement uses it (an unused one has no type). */
    get tz(): string {
      return (tz ??= `${p.add(s.timezone)}::text`);
    },
    start: `${p.add(s.start)}::timestamptz`,
    end: `${p.add(s.end)}::timestamptz`,
  };
}

/** Where conditions on the rollups of `dim` for a scope (and a key filter). */
function rollupWhere(dim: RollupDim, s: ReportScope, p: SqlParams, filter?: KeyFilter) {
  const b = bounds(s, p);
  const where = [
    `r.dim = ${p.add(filter?.dim ?? dim)}`,
    `r.hour >= ${b.start}`,
    `r.hour < ${b.end}`,
    'NOT r.outbound',
  ];
  if (s.sellerId !== null) where.push(`r.seller_id = ${p.add(s.sellerId)}`);
  if (filter) where.push(`r.key = ANY(${p.add(filter.keys)}::text[])`);
  return Object.assign(b, { where: where.join(' AND ') });
}

/** Where conditions on the calls themselves, the same set as rollupWhere. */
function callWhere(s: ReportScope, p: SqlParams, filter?: KeyFilter) {
  const b = bounds(s, p);
  const where = [
    `c.state IN (${ENDED})`,
    `c.direction = 'inbound'`,
    `c.started_at >= ${b.start}`,
    `c.started_at < ${b.end}`,
  ];
  if (s.sellerId !== null) where.push(`c.seller_id = ${p.add(s.sellerId)}`);
  if (filter) where.push(`${CALL_KEY[filter.dim]} = ANY(${p.add(filter.keys)}::text[])`);
  return Object.assign(b, { where: where.join(' AND ') });
}

/** `totals` (a period and its measures per row) over every period of the scope, empty ones as zeros. */
function everyPeriod(
  totals: string,
  b: { tz: string; start: string; end: string },
  interval: string,
): string {
  return `WITH t AS (${totals})
   SELECT s.period, coalesce(t.calls, 0) AS calls, coalesce(t.answered, 0) AS answered,
          coalesce(t.converted, 0) AS converted, coalesce(t.rejected, 0) AS rejected,
          coalesce(t.billsec, 0) AS billsec, coalesce(t.cost, '0.0000') AS cost, coalesce(t.payout, '0.0000') AS payout
     FROM (${periods(b, interval)}) s LEFT JOIN t ON t.period = s.period ORDER BY s.period`;
}

/** Every period start of an interval in a scope, in its zone (hours are UTC hours, each one). */
function periods(b: { tz: string; start: string; end: string }, interval: string): string {
  return `SELECT DISTINCT date_trunc(${interval}, g, ${b.tz}) AS period
            FROM generate_series(${b.start}, ${b.end} - interval '1 hour', interval '1 hour') AS g`;
}

export interface KeyRow extends Measures {
  key: string;
}

export interface PeriodRow extends Measures {
  period: Date;
}

export interface StatementCall {
  id: number;
  started_at: Date;
  caller_id: string | null;
  did: string | null;
  campaign_id: number | null;
  campaign_name: string | null;
  seller_id: number | null;
  billsec: number;
  payout: string;
}

/**
 * SQL of the reports. Each figure has two sources that agree by construction: the hourly rollups
 * (a month of a busy tenant is a few hundred rows; any zone whose offset is whole hours), and the
 * calls themselves (a zone with a fractional offset, and the tests' reference).
 */
export function createReportsRepo(db: Queryable) {
  return {
    /** The instants local dates `from` (its midnight) and `to` (the midnight after it) are in `timezone`. */
    async instants(from: string, to: string, timezone: string): Promise<{ start: Date; end: Date }> {
      const row = await one<{ start: Date; end: Date }>(
        db,
        `SELECT ($1::date::timestamp AT TIME ZONE $3) AS start, (($2::date + 1)::timestamp AT TIME ZONE $3) AS "end"`,
        [from, to, timezone],
      );
      return row!;
    },

    /**
     * Totals per key of `dim` over the scope, from the rollups: for a dimension with many keys,
     * the UTC days that lie whole in the period from the daily rollups and the hours at its ends
     * from the hourly ones.
     */
    rollupByKey(dim: RollupDim, s: ReportScope): Promise<KeyRow[]> {
      const p = new SqlParams();
      const b = rollupWhere(dim, s, p);
      if (!DAILY.has(dim))
        return many<KeyRow>(
          db,
          `SELECT r.key, ${SUM_ROLLUPS} FROM call_rollups r WHERE ${b.where} GROUP BY r.key`,
          p.values,
          REPORT,
        );
      const DAY = 86_400_000;
      const firstDay = Math.ceil(s.start.getTime() / DAY) * DAY;
      const first = `${p.add(new Date(firstDay))}::timestamptz`;
      const last = `${p.add(new Date(Math.max(firstDay, Math.floor(s.end.getTime() / DAY) * DAY)))}::timestamptz`;
      const seller = s.sellerId === null ? '' : `AND r.seller_id = ${p.add(s.sellerId)}`;
      return many<KeyRow>(
        db,
        `SELECT r.key, ${SUM_ROLLUPS} FROM (
           SELECT r.key, r.calls, r.answered, r.converted, r.rejected, r.billsec, r.cost, r.payout
             FROM call_rollups r WHERE ${b.where} AND (r.hour < ${first} OR r.hour >= ${last})
           UNION ALL
           SELECT r.key, r.calls, r.answered, r.converted, r.rejected, r.billsec, r.cost, r.payout
             FROM call_rollups_daily r
            WHERE r.dim = ${p.add(dim)} AND r.day >= ${first} AND r.day < ${last} AND NOT r.outbound ${seller}
         ) r GROUP BY r.key`,
        p.values,
        REPORT,
      );
    },

    /** Totals per key of `dim` over the scope, from the calls. */
    callsByKey(dim: RollupDim, s: ReportScope): Promise<KeyRow[]> {
      const p = new SqlParams();
      const { where } = callWhere(s, p);
      return many<KeyRow>(
        db,
        `SELECT ${CALL_KEY[dim]} AS key, ${SUM_CALLS} FROM calls c WHERE ${where} GROUP BY 1`,
        p.values,
        REPORT,
      );
    },

    /** Totals per period (every period of the scope, empty ones too), from the rollups. */
    rollupByPeriod(s: ReportScope, interval: Interval, filter?: KeyFilter): Promise<PeriodRow[]> {
      const p = new SqlParams();
      const iv = p.add(interval);
      const b = rollupWhere('seller', s, p, filter);
      const totals = `SELECT date_trunc(${iv}, r.hour, ${b.tz}) AS period, ${SUM_ROLLUPS}
                        FROM call_rollups r WHERE ${b.where} GROUP BY 1`;
      return many<PeriodRow>(db, everyPeriod(totals, b, iv), p.values, REPORT);
    },

    /** Totals per period from the calls. */
    callsByPeriod(s: ReportScope, interval: Interval, filter?: KeyFilter): Promise<PeriodRow[]> {
      const p = new SqlParams();
      const iv = p.add(interval);
      const b = callWhere(s, p, filter);
      const totals = `SELECT date_trunc(${iv}, c.started_at, ${b.tz}) AS period, ${SUM_CALLS}
                        FROM calls c WHERE ${b.where} GROUP BY 1`;
      return many<PeriodRow>(db, everyPeriod(totals, b, iv), p.values, REPORT);
    },

    /** Names of the campaigns, clients or users with these ids. */
    names(table: 'campaigns' | 'clients' | 'users', ids: number[]): Promise<{ id: number; name: string }[]> {
      const name = table === 'users' ? `coalesce(nullif(t.name, ''), t.email)` : 't.name';
      return many(
        db,
        `SELECT t.id::int AS id, ${name} AS name FROM ${table} t WHERE t.id = ANY($1::bigint[])`,
        [ids],
      );
    },

    /**
     * A buyer's converted calls in a scope, oldest first, after `after` (keyset) when given: what
     * the buyer owes for, call by call.
     */
    convertedCalls(
      clientId: number,
      s: ReportScope,
      after: { started_at: Date; id: number } | undefined,
      limit: number,
    ): Promise<StatementCall[]> {
      const p = new SqlParams();
      const b = callWhere(s, p);
      const where = [b.where, `c.client_id = ${p.add(clientId)}`, 'c.billable'];
      if (after)
        where.push(
          `(c.started_at, c.id) > (${p.add(after.started_at)}::timestamptz, ${p.add(after.id)}::bigint)`,
        );
      return many<StatementCall>(
        db,
        `SELECT c.id, c.started_at, c.caller_id, c.did, c.campaign_id, cp.name AS campaign_name, c.seller_id,
                c.billsec, c.payout::text AS payout
           FROM calls c LEFT JOIN campaigns cp ON cp.id = c.campaign_id
          WHERE ${where.join(' AND ')} ORDER BY c.started_at, c.id LIMIT ${p.add(limit)}`,
        p.values,
        REPORT,
      );
    },
  };
}

export type ReportsRepo = ReturnType<typeof createReportsRepo>;
