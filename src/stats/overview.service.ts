import type { Db } from '../db/db.js';
import type { LinksService } from '../links/links.service.js';
import type { Clock } from '../shared/clock.js';
import { wholeHourZone } from '../shared/timezones.js';
import { sellerScope, type Actor } from '../shared/types.js';
import { createOverviewRepo } from './overview.repo.js';

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
 * Totals come from the hourly rollups the calls keep, so the page costs the same at any volume.
 */
export function createOverviewService(deps: {
  db: Db;
  clock: Clock;
  links: LinksService;
  /** Count from the calls whatever the zone: the reference the rollups are checked against. */
  forceCalls?: boolean;
}) {
  const { clock } = deps;
  const repo = createOverviewRepo(deps.db);

  async function overview(actor: Actor, timezone: string) {
    const now = clock.now();
    const scope = sellerScope(actor);
    // a day of a zone whose offset is whole hours is a set of UTC hours: read from the rollups
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: timezone }).format(now);
    const rolled = !deps.forceCalls && wholeHourZone(timezone, today, today);
    const [totals, hourly, live, links] = await Promise.all([
      (rolled ? repo.rolledDayTotals : repo.dayTotals)(now, timezone, scope),
      (rolled ? repo.rolledHourly : repo.hourly)(now, timezone, scope),
      repo.openCalls(scope),
      deps.links.all(actor),
    ]);
    const { routed, ...rest } = totals;
    return {
      at: now,
      timezone,
      today: { ...rest, answer_rate: routed === 0 ? null : totals.answered / routed } satisfies DayTotals,
      hourly,
      live_calls: live,
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
