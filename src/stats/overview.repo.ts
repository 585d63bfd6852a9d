import { ENDED_STATES, OPEN_STATES, sqlList } from '../calls/call-state.js';
import { many, one, type Queryable } from '../db/db.js';

const OPEN = sqlList(OPEN_STATES);
const ENDED = sqlList(ENDED_STATES);

/** One day's totals of ended calls; `routed` is what the answer rate divides by. */
export interface DayTotalsRow {
  calls: number;
  answered: number;
  billable: number;
  rejected: number;
  routed: number;
  minutes: number;
  charges: string;
  payouts: string;
}

export interface HourBucket {
  hour: Date;
  answered: number;
  not_answered: number;
  rejected: number;
}

/**
 * SQL of the overview page. The day is the one holding `now` in `timezone`; `sellerId` null
 * counts every seller's calls. Statements share their parameters ($1 now, $2 zone, $3 seller).
 */
export function createOverviewRepo(db: Queryable) {
  const day = `date_trunc('day', $1::timestamptz, $2)`;
  const range = `c.started_at >= ${day} AND c.started_at < ${day} + interval '1 day'
      AND ($3::bigint IS NULL OR c.seller_id = $3)`;

  const rollups = `r.dim = 'seller' AND r.hour >= ${day} AND r.hour < ${day} + interval '1 day'
      AND ($3::bigint IS NULL OR r.seller_id = $3)`;

  return {
    /**
     * The day's totals from the hourly rollups (migrations/0016_call_rollups.sql): the same
     * figures as dayTotals in a few dozen rows whatever the day's volume, for a zone whose offset
     * is whole hours.
     */
    async rolledDayTotals(now: Date, timezone: string, sellerId: number | null): Promise<DayTotalsRow> {
      const row = await one<DayTotalsRow>(
        db,
        `SELECT coalesce(sum(r.calls), 0)::int AS calls, coalesce(sum(r.answered), 0)::int AS answered,
                coalesce(sum(r.converted), 0)::int AS billable, coalesce(sum(r.rejected), 0)::int AS rejected,
                coalesce(sum(r.calls - r.rejected), 0)::int AS routed,
                round(coalesce(sum(r.billsec), 0) / 60.0, 1)::float8 AS minutes,
                coalesce(sum(r.cost), 0)::numeric(14,4)::text AS charges,
                coalesce(sum(r.payout), 0)::numeric(14,4)::text AS payouts
           FROM call_rollups r WHERE ${rollups}`,
        [now, timezone, sellerId],
      );
      return row!;
    },

    /** The day's 24 hours from the hourly rollups, as hourly. */
    rolledHourly(now: Date, timezone: string, sellerId: number | null): Promise<HourBucket[]> {
      return many<HourBucket>(
        db,
        `SELECT h.hour, coalesce(sum(r.answered), 0)::int AS answered,
                coalesce(sum(r.calls - r.answered - r.rejected), 0)::int AS not_answered,
                coalesce(sum(r.rejected), 0)::int AS rejected
           FROM generate_series(${day}, ${day} + interval '23 hours', interval '1 hour') AS h(hour)
           LEFT JOIN call_rollups r ON r.hour = h.hour AND ${rollups}
          GROUP BY h.hour ORDER BY h.hour`,
        [now, timezone, sellerId],
      );
    },

    async dayTotals(now: Date, timezone: string, sellerId: number | null): Promise<DayTotalsRow> {
      const row = await one<DayTotalsRow>(
        db,
        `SELECT count(*)::int AS calls,
                count(*) FILTER (WHERE c.answered_at IS NOT NULL)::int AS answered,
                count(*) FILTER (WHERE c.billable)::int AS billable,
                count(*) FILTER (WHERE c.routing_status IN ('rejected', 'unrouted'))::int AS rejected,
                count(*) FILTER (WHERE c.routing_status NOT IN ('rejected', 'unrouted'))::int AS routed,
                round(coalesce(sum(c.billsec), 0) / 60.0, 1)::float8 AS minutes,
                coalesce(sum(c.cost), 0)::numeric(14,4)::text AS charges,
                coalesce(sum(c.payout), 0)::numeric(14,4)::text AS payouts
           FROM calls c WHERE ${range} AND c.state IN (${ENDED})`,
        [now, timezone, sellerId],
      );
      return row!;
    },

    /** The day's 24 hours, each with its ended calls by outcome. */
    hourly(now: Date, timezone: string, sellerId: number | null): Promise<HourBucket[]> {
      return many<HourBucket>(
        db,
        `SELECT h.hour,
                count(c.id) FILTER (WHERE c.answered_at IS NOT NULL)::int AS answered,
                count(c.id) FILTER (WHERE c.answered_at IS NULL
                                     AND c.routing_status NOT IN ('rejected', 'unrouted'))::int AS not_answered,
                count(c.id) FILTER (WHERE c.routing_status IN ('rejected', 'unrouted'))::int AS rejected
           FROM generate_series(${day}, ${day} + interval '23 hours', interval '1 hour') AS h(hour)
           LEFT JOIN calls c ON c.started_at >= h.hour AND c.started_at < h.hour + interval '1 hour'
                                AND c.state IN (${ENDED})
                                AND ($3::bigint IS NULL OR c.seller_id = $3)
          GROUP BY h.hour ORDER BY h.hour`,
        [now, timezone, sellerId],
      );
    },

    /** How many calls are open now. */
    async openCalls(sellerId: number | null): Promise<number> {
      const row = await one<{ n: number }>(
        db,
        `SELECT count(*)::int AS n FROM calls WHERE state IN (${OPEN}) AND ($1::bigint IS NULL OR seller_id = $1)`,
        [sellerId],
      );
      return row!.n;
    },
  };
}
