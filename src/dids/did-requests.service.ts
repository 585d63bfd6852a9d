import type { Db, Queryable } from '../db/db.js';
import { notify } from '../notifications/notifications.service.js';
import type { Clock } from '../shared/clock.js';
import { badRequest, conflict, notFound } from '../shared/errors.js';
import { sellerScope, toPage, type Actor, type Page, type PageRequest } from '../shared/types.js';
import { createDidRequestsRepo, type DidRequestRow, type DidRequestStatus } from './did-requests.repo.js';
import { createDidsRepo } from './dids.repo.js';

export function createDidRequestsService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;
  const repo = createDidRequestsRepo(db);

  async function get(actor: Actor, id: number): Promise<DidRequestRow> {
    const row = await repo.get(id, sellerScope(actor));
    if (!row) throw notFound('DID request', id);
    return row;
  }

  async function list(
    actor: Actor,
    filter: { status?: DidRequestStatus | undefined; sellerId?: number | undefined },
    page: PageRequest,
  ): Promise<Page<DidRequestRow>> {
    const seller = sellerScope(actor) ?? filter.sellerId;
    return toPage(await repo.list({ status: filter.status, sellerId: seller }, page), page);
  }

  async function create(
    actor: Actor,
    input: { quantity: number; preferred_area_code?: string | undefined; note?: string | undefined },
  ): Promise<DidRequestRow> {
    const id = await repo.insert({
      sellerId: actor.id,
      quantity: input.quantity,
      preferredAreaCode: input.preferred_area_code ?? null,
      note: input.note?.trim() || null,
    });
    return get(actor, id);
  }

  /** Locks a pending request for processing, or says why it cannot be processed. */
  async function lockPending(tx: Queryable, id: number) {
    const req = await createDidRequestsRepo(tx).lock(id);
    if (!req) throw notFound('DID request', id);
    if (req.status !== 'pending') throw conflict(`DID request ${id} is already ${req.status}`);
    return req;
  }

  async function approve(actor: Actor, id: number, didIds: number[]): Promise<DidRequestRow> {
    const unique = [...new Set(didIds)];
    await db.transaction(async (tx) => {
      const req = await lockPending(tx, id);
      if (unique.length > req.quantity)
        throw badRequest(`the request is for ${req.quantity} numbers, got ${unique.length}`);
      const dids = createDidsRepo(tx);
      const locked = await dids.lockMany(unique);
      const missing = unique.filter((d) => !locked.some((l) => l.id === d));
      if (missing.length > 0) throw badRequest(`DIDs not found: ${missing.join(', ')}`);
      const taken = locked.filter((d) => d.status !== 'available');
      if (taken.length > 0) throw conflict(`not available: ${taken.map((d) => d.number).join(', ')}`);
      const assigned = await dids.setOwner(
        unique,
        { status: 'assigned', sellerId: req.seller_id, requestId: id },
        clock.now(),
      );
      await createDidRequestsRepo(tx).approve(id, actor.id, clock.now());
      const numbers = assigned.map((d) => d.number).sort();
      await notify(tx, {
        userId: req.seller_id,
        kind: 'did_request_approved',
        title: `DID request #${id} approved`,
        body: `${numbers.length} number(s) assigned: ${numbers.join(', ')}`,
        data: { did_request_id: id, numbers },
      });
    });
    return get(actor, id);
  }

  async function reject(actor: Actor, id: number, reason: string): Promise<DidRequestRow> {
    const text = reason.trim();
    if (text === '') throw badRequest('a rejection needs a reason');
    await db.transaction(async (tx) => {
      const req = await lockPending(tx, id);
      await createDidRequestsRepo(tx).reject(id, text, actor.id, clock.now());
      await notify(tx, {
        userId: req.seller_id,
        kind: 'did_request_rejected',
        title: `DID request #${id} rejected`,
        body: text,
        data: { did_request_id: id, reason: text },
      });
    });
    return get(actor, id);
  }

  async function cancel(actor: Actor, id: number): Promise<DidRequestRow> {
    await get(actor, id);
    await db.transaction(async (tx) => {
      await lockPending(tx, id);
      await createDidRequestsRepo(tx).cancel(id, clock.now());
    });
    return get(actor, id);
  }

  return { list, get, create, approve, reject, cancel };
}

export type DidRequestsService = ReturnType<typeof createDidRequestsService>;
