import { many, one, type Queryable } from '../db/db.js';
import { SqlParams, whereClause } from '../shared/sql.js';
import type { PageRequest } from '../shared/types.js';

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

/** SQL of sellers' requests for DIDs. `sellerId` null reads every seller's. */
export function createDidRequestsRepo(db: Queryable) {
  return {
    get(id: number, sellerId: number | null): Promise<DidRequestRow | undefined> {
      return one<DidRequestRow>(
        db,
        `${SELECT} WHERE r.id = $1 AND ($2::bigint IS NULL OR r.seller_id = $2)`,
        [id, sellerId],
      );
    },

    list(
      filter: { status?: DidRequestStatus | undefined; sellerId?: number | undefined },
      page: PageRequest,
    ): Promise<(DidRequestRow & { total: number })[]> {
      const p = new SqlParams();
      const where: string[] = [];
      if (filter.sellerId !== undefined) where.push(`r.seller_id = ${p.add(filter.sellerId)}`);
      if (filter.status) where.push(`r.status = ${p.add(filter.status)}`);
      return many<DidRequestRow & { total: number }>(
        db,
        `${SELECT.replace('FROM did_requests r', ', count(*) OVER () AS total FROM did_requests r')} ${whereClause(where)}
       ORDER BY r.id DESC LIMIT ${p.add(page.limit)} OFFSET ${p.add(page.offset)}`,
        p.values,
      );
    },

    async insert(r: {
      sellerId: number;
      quantity: number;
      preferredAreaCode: string | null;
      note: string | null;
    }): Promise<number> {
      const row = await one<{ id: number }>(
        db,
        'INSERT INTO did_requests (seller_id, quantity, preferred_area_code, note) VALUES ($1, $2, $3, $4) RETURNING id',
        [r.sellerId, r.quantity, r.preferredAreaCode, r.note],
      );
      return row!.id;
    },

    /** The request, locked until the transaction ends. */
    lock(
      id: number,
    ): Promise<{ id: number; seller_id: number; quantity: number; status: DidRequestStatus } | undefined> {
      return one<{ id: number; seller_id: number; quantity: number; status: DidRequestStatus }>(
        db,
        'SELECT id, seller_id, quantity, status FROM did_requests WHERE id = $1 FOR UPDATE',
        [id],
      );
    },

    async approve(id: number, by: number, at: Date): Promise<void> {
      await db.query(
        `UPDATE did_requests SET status = 'approved', processed_by = $2, processed_at = $3, updated_at = $3 WHERE id = $1`,
        [id, by, at],
      );
    },

    async reject(id: number, reason: string, by: number, at: Date): Promise<void> {
      await db.query(
        `UPDATE did_requests SET status = 'rejected', reject_reason = $2, processed_by = $3, processed_at = $4,
           updated_at = $4 WHERE id = $1`,
        [id, reason, by, at],
      );
    },

    async cancel(id: number, at: Date): Promise<void> {
      await db.query(`UPDATE did_requests SET status = 'cancelled', updated_at = $2 WHERE id = $1`, [id, at]);
    },
  };
}
