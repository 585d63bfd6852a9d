import { ENDED_STATES, OPEN_STATES, sqlList } from '../calls/call-state.js';
import { many, one, type Db } from '../db/db.js';
import type { LinksService } from '../links/links.service.js';
import type { Clock } from '../shared/clock.js';
import { sellerScope, type Actor } from '../shared/types.js';

const OPEN = sqlList(OPEN_STATES);
const ENDED = sqlList(ENDED_STATES);

export interface DayTotals {
  calls: number;
  answered: number;
  billable: number;
  rejected: number;
  /** Answered ÷ routed calls (0–1), null when nothing was routed. */
  answer_rate: number | null;
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

export interface CapGauge {
  cap: 'max_concurrency' | 'total_calls_allowed' | 'hourly_cap' | 'daily_cap' | 'monthly_cap';
  limit: number;
  used: number;
}

export interface LinkGauges {
  link_id: number;
  campaign_id: number;
  campaign_name: string;
  client_name: string;
  status: string;
  caps: CapGauge[];
}

/**
 * The overview page's figures for one day in the viewer's time zone: totals, calls per hour by
 * outcome, live calls and every capped link's usage. Sellers see their own calls and links.
 */
export function createOverviewService(deps: { db: Db; clock: Clock; links: LinksService }) {
  const { db, clock } = deps;

  async function overview(actor: Actor, timezone: string) {
    const now = clock.now();
    const scope = sellerScope(actor);
    const day = `date_trunc('day', $1::timestamptz, $2)`;
    const range = `c.started_at >= ${day} AND c.started_at < ${day} + interval '1 day'
      AND ($3::bigint IS NULL OR c.seller_id = $3)`;
    const params = [now, timezone, scope];
    const [totals, hourly, live, links] = await Promise.all([
      one<Omit<DayTotals, 'answer_rate'> & { routed: number }>(
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
        params,
      ),
      many<HourBucket>(
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
        params,
      ),
      one<{ n: number }>(
        db,
        `SELECT count(*)::int AS n FROM calls WHERE state IN (${OPEN}) AND ($1::bigint IS NULL OR seller_id = $1)`,
        [scope],
      ),
      deps.links.all(actor),
    ]);
    const t = totals!;
    const { routed, ...rest } = t;
    return {
      at: now,
      timezone,
      today: { ...rest, answer_rate: routed === 0 ? null : t.answered / routed } satisfies DayTotals,
      hourly,
      live_calls: live!.n,
      links: links
        .map((l): LinkGauges => {
          const caps: CapGauge[] = [];
          const add = (cap: CapGauge['cap'], limit: number | null, used: number) => {
            if (limit !== null) caps.push({ cap, limit, used });
          };
          add('max_concurrency', l.max_concurrency, l.in_flight);
          add('total_calls_allowed', l.total_calls_allowed, l.current_total_calls + l.in_flight);
          add('hourly_cap', l.hourly_cap, l.hour_count);
          add('daily_cap', l.daily_cap, l.day_count);
          add('monthly_cap', l.monthly_cap, l.month_count);
          return {
            link_id: l.id,
            campaign_id: l.campaign_id,
            campaign_name: l.campaign_name,
            client_name: l.client_name,
            status: l.status,
            caps,
          };
        })
        .filter((l) => l.caps.length > 0),
    };
  }

  return { overview };
}

export type OverviewService = ReturnType<typeof createOverviewService>;
