import { many, type Db } from '../db/db.js';
import type { SettingsService } from '../settings/settings.service.js';
import type { Clock } from '../shared/clock.js';
import { SqlParams, whereClause } from '../shared/sql.js';
import { sellerScope, toPage, type Actor, type Page, type PageRequest } from '../shared/types.js';

export interface NumberHealth {
  id: number;
  caller_id: string;
  campaign: string | null;
  area_code: string | null;
  region: string | null;
  carrier: string | null;
  status: string;
  cooldown_until: Date | null;
  reserved: boolean;
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
}

export interface CampaignHealth {
  campaign: string | null;
  allocations: number;
  reported: number;
  answered: number;
  answer_rate: number | null;
  avg_billsec: number | null;
}

/** How caller IDs are doing, per number and per dialer campaign, for the dashboard. */
export function createCallerIdStats(deps: { db: Db; clock: Clock; settings: SettingsService }) {
  async function numbers(
    actor: Actor,
    filter: { campaign?: string | undefined; status?: string | undefined; area_code?: string | undefined },
    page: PageRequest,
  ): Promise<Page<NumberHealth>> {
    const window = Number(await deps.settings.value('callerid.cooldown_window_calls'));
    const p = new SqlParams();
    const now = p.add(deps.clock.now());
    const w = p.add(window);
    const where: string[] = [];
    const seller = sellerScope(actor);
    if (seller !== null) where.push(`p.seller_id = ${p.add(seller)}`);
    if (filter.campaign !== undefined)
      where.push(`p.campaign IS NOT DISTINCT FROM ${p.add(filter.campaign || null)}`);
    if (filter.status) where.push(`n.status = ${p.add(filter.status)}`);
    if (filter.area_code) where.push(`n.area_code = ${p.add(filter.area_code)}`);
    const rows = await many<NumberHealth & { total: number }>(
      deps.db,
      `SELECT n.id, n.number AS caller_id, p.campaign, n.area_code, n.region, n.carrier, n.status, n.cooldown_until,
              coalesce(n.reserved_until > ${now}::timestamptz, false) AS reserved,
              CASE WHEN n.hour_start = date_trunc('hour', ${now}::timestamptz, n.timezone) THEN n.hour_count ELSE 0 END AS uses_this_hour,
              CASE WHEN n.day_start = date_trunc('day', ${now}::timestamptz, n.timezone) THEN n.day_count ELSE 0 END AS uses_today,
              n.hourly_limit, n.daily_limit, n.last_used_at,
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
    return toPage(rows, page);
  }

  /** Per dialer campaign over the last `hours` hours. */
  function campaigns(hours = 24): Promise<CampaignHealth[]> {
    return many<CampaignHealth>(
      deps.db,
      `SELECT campaign, count(*) AS allocations, count(reported_at) AS reported,
              count(*) FILTER (WHERE answered) AS answered,
              CASE WHEN count(reported_at) > 0
                   THEN round(count(*) FILTER (WHERE answered)::numeric / count(reported_at), 4)::float8 END AS answer_rate,
              round(avg(billsec) FILTER (WHERE answered))::float8 AS avg_billsec
         FROM callerid_allocations
        WHERE allocated_at >= $1::timestamptz - make_interval(hours => $2)
        GROUP BY campaign ORDER BY campaign NULLS FIRST`,
      [deps.clock.now(), hours],
    );
  }

  return { numbers, campaigns };
}

export type CallerIdStats = ReturnType<typeof createCallerIdStats>;
