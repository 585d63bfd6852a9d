import { one, many, type Db, type Queryable } from '../db/db.js';
import { notify } from '../notifications/notifications.service.js';
import type { Clock } from '../shared/clock.js';
import { badRequest, conflict, notFound } from '../shared/errors.js';
import { SqlParams, whereClause } from '../shared/sql.js';
import { sellerScope, toPage, type Actor, type Page, type PageRequest } from '../shared/types.js';
import { createDidsRepo } from './dids.repo.js';

export type DidRequestStatus = 'pending' | 'approved' | 'rejected' | 'cancelled';

export interface DidRequestRow {
  id: number;
  seller_id: number;
  quantity: number;
  preferred_area_code: string | null;
  note: string | null;
  status: DidRequestStatus;
  reject_reason: string | null;
  processed_by: number | null;
  processed_at: Date | null;
  created_at: Date;
  updated_at: Date;
  assigned_numbers: string[];
}

const SELECT = `SELECT r.id, r.seller_id, r.quantity, r.preferred_area_code, r.note, r.status, r.reject_reason,
  r.processed_by, r.processed_at, r.created_at, r.updated_at,
  coalesce((SELECT array_agg(d.number ORDER BY d.number) FROM dids d WHERE d.did_request_id = r.id), '{}') AS assigned_numbers
  FROM did_requests r`;

export function createDidRequestsService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;

  async function get(actor: Actor, id: number): Promise<DidRequestRow> {
    const row = await one<DidRequestRow>(
      db,
      `${SELECT} WHERE r.id = $1 AND ($2::bigint IS NULL OR r.seller_id = $2)`,
      [id, sellerScope(actor)],
    );
    if (!row) throw notFound('DID request', id);
    return row;
  }

  async function list(
    actor: Actor,
    filter: { status?: DidRequestStatus | undefined; sellerId?: number | undefined },
    page: PageRequest,
  ): Promise<Page<DidRequestRow>> {
    const p = new SqlParams();
    const where: string[] = [];
    const seller = sellerScope(actor) ?? filter.sellerId;
    if (seller !== undefined) where.push(`r.seller_id = ${p.add(seller)}`);
    if (filter.status) where.push(`r.status = ${p.add(filter.status)}`);
    const rows = await many<DidRequestRow & { total: number }>(
      db,
      `${SELECT.replace('FROM did_requests r', ', count(*) OVER () AS total FROM did_requests r')} ${whereClause(where)}
       ORDER BY r.id DESC LIMIT ${p.add(page.limit)} OFFSET ${p.add(page.offset)}`,
      p.values,
    );
    return toPage(rows, page);
  }

  async function create(
    actor: Actor,
    input: { quantity: number; preferred_area_code?: string | undefined; note?: string | undefined },
  ): Promise<DidRequestRow> {
    const row = await one<{ id: number }>(
      db,
      'INSERT INTO did_requests (seller_id, quantity, preferred_area_code, note) VALUES ($1, $2, $3, $4) RETURNING id',
      [actor.id, input.quantity, input.preferred_area_code ?? null, input.note?.trim() || null],
    );
    return get(actor, row!.id);
  }

  /** Locks a pending request for processing, or says why it cannot be processed. */
  async function lockPending(tx: Queryable, id: number) {
    const req = await one<{ id: number; seller_id: number; quantity: number; status: DidRequestStatus }>(
      tx,
      'SELECT id, seller_id, quantity, status FROM did_requests WHERE id = $1 FOR UPDATE',
      [id],
    );
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
      await tx.query(
        `UPDATE did_requests SET status = 'approved', processed_by = $2, processed_at = $3, updated_at = $3 WHERE id = $1`,
        [id, actor.id, clock.now()],
      );
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
      await tx.query(
        `UPDATE did_requests SET status = 'rejected', reject_reason = $2, processed_by = $3, processed_at = $4,
           updated_at = $4 WHERE id = $1`,
        [id, text, actor.id, clock.now()],
      );
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
      await tx.query(`UPDATE did_requests SET status = 'cancelled', updated_at = $2 WHERE id = $1`, [
        id,
        clock.now(),
      ]);
    });
    return get(actor, id);
  }

  return { list, get, create, approve, reject, cancel };
}

export type DidRequestsService = ReturnType<typeof createDidRequestsService>;
