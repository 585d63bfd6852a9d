import type { Db } from '../db/db.js';
import { createDidsRepo, type DidRow } from '../dids/dids.repo.js';
import { requireSeller } from '../dids/dids.service.js';
import type { Clock } from '../shared/clock.js';
import { badRequest, conflict, notFound, staleVersion } from '../shared/errors.js';
import { checkedFilter } from '../routing/callers.js';
import { assertValidHours } from '../shared/hours.js';
import { versionedWrite } from '../shared/versions.js';
import { sellerScope, toPage, type Actor, type Page, type PageRequest } from '../shared/types.js';
import {
  createCampaignsRepo,
  type CampaignFields,
  type CampaignRow,
  type CampaignStatus,
} from './campaigns.repo.js';

export type NewCampaign = Partial<CampaignFields> & { name: string; seller_id?: number | undefined };

const DEFAULTS: Omit<CampaignFields, 'name'> = {
  status: 'active',
  routing_strategy: 'priority',
  dial_timeout_seconds: 30,
  max_attempts: 3,
  max_concurrency: null,
  hourly_cap: null,
  daily_cap: null,
  monthly_cap: null,
  timezone: 'UTC',
  business_hours: null,
  record_calls: false,
  caller_filter: null,
  duplicate_window_seconds: null,
  duplicate_action: 'no_payout',
};

export function createCampaignsService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;
  const repo = createCampaignsRepo(db);

  async function get(actor: Actor, id: number): Promise<CampaignRow> {
    const c = await repo.get(id, sellerScope(actor));
    if (!c) throw notFound('campaign', id);
    return c;
  }

  async function create(actor: Actor, input: NewCampaign): Promise<CampaignRow> {
    const { seller_id: requested, ...fields } = input;
    let sellerId: number;
    if (actor.role === 'seller') {
      if (requested !== undefined && requested !== actor.id)
        throw badRequest('sellers create campaigns for themselves');
      sellerId = actor.id;
    } else {
      if (requested === undefined) throw badRequest('seller_id is required when staff create a campaign');
      await requireSeller(db, requested);
      sellerId = requested;
    }
    assertValidHours(fields.business_hours, 'business_hours');
    const caller_filter = checkedFilter(fields.caller_filter);
    const id = await repo.insert(sellerId, {
      ...DEFAULTS,
      ...fields,
      name: fields.name.trim(),
      ...(caller_filter === undefined ? {} : { caller_filter }),
    });
    return get(actor, id);
  }

  /** A person's edit; with `expected`, refused (412) unless the campaign is still at that version. */
  async function update(
    actor: Actor,
    id: number,
    patch: Partial<CampaignFields>,
    expected?: number,
  ): Promise<CampaignRow> {
    await get(actor, id);
    assertValidHours(patch.business_hours, 'business_hours');
    const caller_filter = checkedFilter(patch.caller_filter);
    const fields = {
      ...patch,
      ...(patch.name === undefined ? {} : { name: patch.name.trim() }),
      ...(caller_filter === undefined ? {} : { caller_filter }),
    };
    await versionedWrite(
      'campaign',
      id,
      expected,
      () => repo.update(id, fields, clock.now(), expected),
      () => repo.version(id),
    );
    return get(actor, id);
  }

  /** Deletes a campaign that never took a call; one with calls is archived instead, so its history stays whole. */
  async function remove(actor: Actor, id: number, expected?: number): Promise<void> {
    await get(actor, id);
    const r = await repo.deleteUnused(id, expected);
    if (r.deleted) return;
    if (r.version === undefined) throw notFound('campaign', id);
    if (expected !== undefined && r.version !== expected) throw staleVersion('campaign', r.version, expected);
    throw conflict(
      r.open > 0
        ? `${r.open} call(s) in progress on this campaign; pause or archive it instead of deleting it`
        : `this campaign has ${r.calls} call(s) on record; archive it instead, so their history stays whole`,
      { calls: r.calls, in_progress: r.open },
    );
  }

  async function dids(actor: Actor, id: number): Promise<DidRow[]> {
    const c = await get(actor, id);
    return (await createDidsRepo(db).list({ campaignId: c.id }, { limit: 10_000, offset: 0 })).map(
      ({ total: _t, ...d }) => d,
    );
  }

  /**
   * Attaches the seller's own DIDs. A DID is in at most one active campaign: one attached to
   * another active campaign is a conflict; one parked in a paused or archived campaign moves.
   */
  async function attachDids(actor: Actor, id: number, didIds: number[]): Promise<DidRow[]> {
    const campaign = await get(actor, id);
    const unique = [...new Set(didIds)];
    return db.transaction(async (tx) => {
      const r = createDidsRepo(tx);
      const locked = await r.lockMany(unique);
      const foreign = unique.filter(
        (d) => !locked.some((l) => l.id === d && l.seller_id === campaign.seller_id),
      );
      // Another seller's DIDs are reported exactly like ids that do not exist.
      if (foreign.length > 0) throw notFound('DID', foreign.join(', '));
      const otherIds = [
        ...new Set(locked.map((d) => d.campaign_id).filter((c): c is number => c !== null && c !== id)),
      ];
      if (otherIds.length > 0) {
        const active = await createCampaignsRepo(tx).active(otherIds);
        if (active.length > 0) {
          const numbers = locked
            .filter((d) => active.some((a) => a.id === d.campaign_id))
            .map((d) => d.number);
          throw conflict(
            `already in active campaign ${active.map((a) => `"${a.name}"`).join(', ')}: ${numbers.join(', ')}`,
            {
              numbers,
            },
          );
        }
      }
      return r.setCampaign(unique, id, clock.now());
    });
  }

  async function detachDid(actor: Actor, id: number, didId: number): Promise<void> {
    await get(actor, id);
    const did = await createDidsRepo(db).get(didId, null);
    if (!did || did.campaign_id !== id) throw notFound('DID in this campaign', didId);
    await createDidsRepo(db).setCampaign([didId], null, clock.now());
  }

  return {
    list: async (
      actor: Actor,
      filter: { status?: CampaignStatus | undefined; seller_id?: number | undefined; q?: string | undefined },
      page: PageRequest,
    ): Promise<Page<CampaignRow>> =>
      toPage(await repo.list({ ...filter, sellerId: sellerScope(actor) ?? filter.seller_id }, page), page),
    get,
    create,
    update,
    remove,
    dids,
    attachDids,
    detachDid,
  };
}

export type CampaignsService = ReturnType<typeof createCampaignsService>;
