import { many, type Queryable } from '../db/db.js';
import { SqlParams, whereClause } from '../shared/sql.js';
import type { PageRequest } from '../shared/types.js';

export interface NumberHealth {
  id: number;
  caller_id: string;
  campaign: string | null;
  area_code: string | null;
  region: string | null;
  carrier: string | null;
  status: string;
  cooldown_until: Date | null;
  /** Full: as many live reservations as it has places (`max_concurrent`). */
  reserved: boolean;
  max_concurrent: number;
  /** Its live reservations (calls it may be serving now). */
  reservations: number;
  uses_this_hour: number;
  uses_today: number;
  hourly_limit: number | null;
  daily_limit: number | null;
  last_used_at: Date | null;
  /** Over the number's last `window` reported calls. */
  reported: number;
  answered: number;
  answer_rate: number | null;
  avg_billsec: number | null;
  /** Of what people set (status, limits, carrier, meta, pool); If-Match of its PATCH. */
  version: number;
}

export interface CampaignHealth {
  campaign: string | null;
  allocations: number;
  reported: number;
  answered: number;
  answer_rate: number | null;
  avg_billsec: number | null;
}

export interface NumberHealthFilter {
  /** Only this seller's pools; null for every pool. */
  sellerId: number | null;
  /** undefined for every pool, null for the global pool, a code for that campaign's pool. */
  campaign?: string | null | undefined;
  status?: string | undefined;
  area_code?: string | undefined;
}

/** SQL of caller-ID health: per number over its last reported calls, per dialer campaign. */
export function createCallerIdStatsRepo(db: Queryable) {
  return {
    /** Numbers with their use at `now` and their answers over their last `window` reported calls. */
    numbers(
      filter: NumberHealthFilter,
      now: Date,
      window: number,
      page: PageRequest,
    ): Promise<(NumberHealth & { total: number })[]> {
      const p = new SqlParams();
      const at = p.add(now);
      const w = p.add(window);
      const where: string[] = [];
      if (filter.sellerId !== null) where.push(`p.seller_id = ${p.add(filter.sellerId)}`);
      if (filter.campaign !== undefined)
        where.push(`p.campaign IS NOT DISTINCT FROM ${p.add(filter.campaign)}`);
      if (filter.status) where.push(`n.status = ${p.add(filter.status)}`);
      if (filter.area_code) where.push(`n.area_code = ${p.add(filter.area_code)}`);
      return many<NumberHealth & { total: number }>(
        db,
        `SELECT n.id, n.number AS caller_id, p.campaign, n.area_code, n.region, n.carrier, n.status, n.cooldown_until,
              coalesce(n.reserved_until > ${at}::timestamptz, false) AS reserved, n.max_concurrent,
              (SELECT count(*) FROM unnest(n.lease_until) AS u WHERE u > ${at}::timestamptz)::int AS reservations,
              CASE WHEN n.hour_start = date_trunc('hour', ${at}::timestamptz, n.timezone) THEN n.hour_count ELSE 0 END AS uses_this_hour,
              CASE WHEN n.day_start = date_trunc('day', ${at}::timestamptz, n.timezone) THEN n.day_count ELSE 0 END AS uses_today,
              n.hourly_limit, n.daily_limit, n.last_used_at, n.version,
              r.reported, r.answered,
              CASE WHEN r.reported > 0 THEN round(r.answered::numeric / r.reported, 4)::float8 END AS answer_rate,
              r.avg_billsec, count(*) OVER () AS total
         FROM callerid_numbers n JOIN callerid_pools p ON p.id = n.pool_id
         CROSS JOIN LATERAL (
           SELECT count(*) AS reported, count(*) FILTER (WHERE answered) AS answered,
                  round(avg(billsec) FILTER (WHERE answered))::float8 AS avg_billsec
             FROM (SELECT answered, billsec FROM callerid_allocations a
                    WHERE a.number_id = n.id AND a.reported_at IS NOT NULL ORDER BY a.id DESC LIMIT ${w}) last
         ) r
         ${whereClause(where)}
        ORDER BY n.id LIMIT ${p.add(page.limit)} OFFSET ${p.add(page.offset)}`,
        p.values,
      );
    },

    /** Per dialer campaign, the allocations made in the `hours` hours before `now`. */
    campaigns(now: Date, hours: number): Promise<CampaignHealth[]> {
      return many<CampaignHealth>(
        db,
        `SELECT campaign, count(*) AS allocations, count(reported_at) AS reported,
              count(*) FILTER (WHERE answered) AS answered,
              CASE WHEN count(reported_at) > 0
                   THEN round(count(*) FILTER (WHERE answered)::numeric / count(reported_at), 4)::float8 END AS answer_rate,
              round(avg(billsec) FILTER (WHERE answered))::float8 AS avg_billsec
         FROM callerid_allocations
        WHERE allocated_at >= $1::timestamptz - make_interval(hours => $2)
        GROUP BY campaign ORDER BY campaign NULLS FIRST`,
        [now, hours],
      );
    },
  };
}
