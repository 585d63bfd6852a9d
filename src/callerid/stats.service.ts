import type { Db } from '../db/db.js';
import type { SettingsService } from '../settings/settings.service.js';
import type { Clock } from '../shared/clock.js';
import { sellerScope, toPage, type Actor, type Page, type PageRequest } from '../shared/types.js';
import { createCallerIdStatsRepo, type CampaignHealth, type NumberHealth } from './stats.repo.js';

/** How caller IDs are doing, per number and per dialer campaign, for the dashboard. */
export function createCallerIdStats(deps: { db: Db; clock: Clock; settings: SettingsService }) {
  const repo = createCallerIdStatsRepo(deps.db);

  async function numbers(
    actor: Actor,
    filter: { campaign?: string | undefined; status?: string | undefined; area_code?: string | undefined },
    page: PageRequest,
  ): Promise<Page<NumberHealth>> {
    const window = Number(await deps.settings.value('callerid.cooldown_window_calls'));
    const rows = await repo.numbers(
      {
        sellerId: sellerScope(actor),
        // An empty campaign names the global pool.
        campaign: filter.campaign === undefined ? undefined : filter.campaign || null,
        status: filter.status,
        area_code: filter.area_code,
      },
      deps.clock.now(),
      window,
      page,
    );
    return toPage(rows, page);
  }

  /** Per dialer campaign over the last `hours` hours. */
  function campaigns(hours = 24): Promise<CampaignHealth[]> {
    return repo.campaigns(deps.clock.now(), hours);
  }

  return { numbers, campaigns };
}

export type CallerIdStats = ReturnType<typeof createCallerIdStats>;
