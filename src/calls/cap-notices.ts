import type { Queryable } from '../db/db.js';
import { notify } from '../notifications/notifications.service.js';
import type { LiveCall } from '../routing/routing.types.js';
import { createCallsRepo } from './calls.repo.js';

/*
 * A converted call that fills a cap tells the seller, once per cap and window (cap_notices),
 * inside the call-end transaction.
 */

export async function noticeLinkCaps(
  tx: Queryable,
  live: LiveCall,
  after: {
    current_total_calls: number;
    total_calls_allowed: number | null;
    counts: Record<string, number>;
  },
): Promise<void> {
  const calls = createCallsRepo(tx);
  const reached: string[] = [];
  if (after.total_calls_allowed !== null && after.current_total_calls >= after.total_calls_allowed) {
    if (await calls.firstNotice('link', live.link_id!, 'total_calls_allowed', null))
      reached.push('total_calls_allowed');
  }
  const windows: Record<string, Date | null> = {
    hourly_cap: live.link_hour,
    daily_cap: live.link_day,
    monthly_cap: live.link_month,
  };
  for (const [cap, count] of Object.entries(after.counts)) {
    if (count >= 0 && (await calls.firstNotice('link', live.link_id!, cap, windows[cap] ?? null)))
      reached.push(cap);
  }
  if (reached.length > 0 && live.seller_id !== null) {
    await notify(tx, {
      userId: live.seller_id,
      kind: 'cap_reached',
      title: `Cap reached on link ${live.link_id}`,
      body: `${reached.join(', ')} reached; calls go to the next client until it resets.`,
      data: {
        link_id: live.link_id,
        client_id: live.client_id,
        campaign_id: live.campaign_id,
        caps: reached,
      },
    });
  }
}

export async function noticeCampaignCaps(tx: Queryable, live: LiveCall, fullCaps: string[]): Promise<void> {
  const calls = createCallsRepo(tx);
  const windows: Record<string, Date | null> = {
    hourly_cap: live.campaign_hour,
    daily_cap: live.campaign_day,
    monthly_cap: live.campaign_month,
  };
  const reached: string[] = [];
  for (const cap of fullCaps) {
    if (await calls.firstNotice('campaign', live.campaign_id!, cap, windows[cap] ?? null)) reached.push(cap);
  }
  if (reached.length > 0 && live.seller_id !== null) {
    await notify(tx, {
      userId: live.seller_id,
      kind: 'cap_reached',
      title: `Campaign cap reached`,
      body: `${reached.join(', ')} reached on campaign ${live.campaign_id}; new calls are rejected until it resets.`,
      data: { campaign_id: live.campaign_id, caps: reached },
    });
  }
}
