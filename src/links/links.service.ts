import type { Db } from '../db/db.js';
import type { CampaignsService } from '../campaigns/campaigns.service.js';
import type { Clock } from '../shared/clock.js';
import { badRequest, conflict, notFound, staleVersion } from '../shared/errors.js';
import { versionedWrite } from '../shared/versions.js';
import { assertValidHours, type BusinessHours } from '../shared/hours.js';
import { toMoney } from '../shared/money.js';
import { sellerScope, type Actor } from '../shared/types.js';
import { checkedFilter } from '../routing/callers.js';
import { unavailableReason, type UnavailableReason } from '../routing/routing.rules.js';
import { createLinksRepo, type LinkFields, type LinkRow } from './links.repo.js';

/** A link as the API shows it: with why routing would pass it over now, before any cap. */
export type LinkView = LinkRow & { unavailable_now: UnavailableReason | null };

/** Routing's own rule (routing.rules.ts#unavailableReason), at `now`. */
function view(row: LinkRow, now: Date): LinkView {
  const why = unavailableReason(
    {
      status: row.status,
      client_status: row.client_status === 'active' ? 'active' : 'disabled',
      client_hours: row.client_hours,
      client_timezone: row.client_timezone,
      client_paused_until: row.client_paused_until,
      schedule: row.schedule as BusinessHours | null, // checked by assertValidHours when saved
    },
    row.campaign_timezone,
    now,
  );
  return { ...row, unavailable_now: why ?? null };
}

type MoneyInput = string | number;
export type LinkInput = Partial<Omit<LinkFields, 'payout' | 'schedule'>> & {
  payout?: MoneyInput;
  schedule?: BusinessHours | null;
};

const DEFAULTS: LinkFields = {
  status: 'active',
  forwarding_priority: 1,
  weight: 1,
  max_concurrency: null,
  total_calls_allowed: null,
  hourly_cap: null,
  daily_cap: null,
  monthly_cap: null,
  payout: '0.0000',
  min_billable_duration: 0,
  schedule: null,
  caller_filter: null,
  duplicate_window_seconds: null,
  duplicate_action: null,
  cap_counts: 'conversions',
};

function normalise(input: LinkInput): Partial<LinkFields> {
  assertValidHours(input.schedule, 'schedule');
  const { payout, schedule, caller_filter, ...rest } = input;
  const out: Partial<LinkFields> = { ...rest };
  const filter = checkedFilter(caller_filter);
  if (filter !== undefined) out.caller_filter = filter;
  if (payout !== undefined) out.payout = toMoney(payout, 4);
  if (schedule !== undefined) out.schedule = schedule;
  return out;
}

/** Campaign ↔ client links (`campaign_client_settings`): where every cap is set. */
export function createLinksService(deps: { db: Db; clock: Clock; campaigns: CampaignsService }) {
  const { clock } = deps;
  const repo = createLinksRepo(deps.db);

  async function get(actor: Actor, id: number): Promise<LinkView> {
    const now = clock.now();
    const link = await repo.get(id, sellerScope(actor), now);
    if (!link) throw notFound('link', id);
    return view(link, now);
  }

  async function forCampaign(actor: Actor, campaignId: number): Promise<LinkView[]> {
    await deps.campaigns.get(actor, campaignId);
    const now = clock.now();
    return (await repo.forCampaign(campaignId, now)).map((l) => view(l, now));
  }

  async function create(
    actor: Actor,
    campaignId: number,
    input: LinkInput & { client_id: number },
  ): Promise<LinkView> {
    await deps.campaigns.get(actor, campaignId);
    if (!(await repo.clientExists(input.client_id)))
      throw badRequest(`client ${input.client_id} does not exist`);
    const { client_id, ...fields } = input;
    const id = await repo.insert(campaignId, client_id, { ...DEFAULTS, ...normalise(fields) });
    return get(actor, id);
  }

  /** A person's edit; with `expected`, refused (412) unless the link is still at that version. */
  async function update(actor: Actor, id: number, input: LinkInput, expected?: number): Promise<LinkView> {
    await get(actor, id);
    const fields = normalise(input);
    await versionedWrite(
      'link',
      id,
      expected,
      () => repo.update(id, fields, clock.now(), expected),
      () => repo.version(id),
    );
    return get(actor, id);
  }

  /** Starts the total count again (e.g. a buyer renewed an order); admin and staff only. */
  async function resetTotal(actor: Actor, id: number): Promise<LinkView> {
    await get(actor, id);
    await repo.resetTotal(id, clock.now());
    return get(actor, id);
  }

  /**
   * Deletes a link; refused while calls are in flight on it (they hold its slots) and while its
   * caps count calls (a new link would start them again from zero): pause it instead.
   */
  async function remove(actor: Actor, id: number, expected?: number): Promise<void> {
    await get(actor, id);
    const r = await repo.deleteUnused(id, clock.now(), expected);
    if (r.deleted) return;
    if (r.version === undefined) throw notFound('link', id);
    if (expected !== undefined && r.version !== expected) throw staleVersion('link', r.version, expected);
    if (r.in_flight > 0) {
      throw conflict(
        `${r.in_flight} call(s) in progress on this link; pause it so it takes no new calls, and delete it once they have ended`,
        { in_flight: r.in_flight },
      );
    }
    if (r.counted > 0) {
      throw conflict(
        `this link's caps count ${r.counted} converted call(s); deleting it would let a new link start them again from zero. Pause it instead`,
        { counted: r.counted },
      );
    }
  }

  /** Every link the actor may see, with its cap usage (the overview's gauges). */
  function all(actor: Actor) {
    return repo.all(sellerScope(actor), clock.now());
  }

  return { get, forCampaign, all, create, update, resetTotal, remove };
}

export type LinksService = ReturnType<typeof createLinksService>;
