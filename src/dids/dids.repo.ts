import { one, many, type Queryable } from '../db/db.js';
import { SqlParams, whereClause } from '../shared/sql.js';
import type { PageRequest } from '../shared/types.js';

export type DidStatus = 'available' | 'assigned' | 'retired';

export interface DidRow {
  id: number;
  number: string;
  status: DidStatus;
  seller_id: number | null;
  campaign_id: number | null;
  did_request_id: number | null;
  country: string | null;
  area_code: string | null;
  notes: string | null;
  assigned_at: Date | null;
  retired_at: Date | null;
  /** Bumped by every change people make (notes, owner, campaign; src/shared/versions.ts). */
  version: number;
  created_at: Date;
  updated_at: Date;
}

export interface DidFilter {
  sellerId?: number | null | undefined;
  status?: DidStatus | undefined;
  campaignId?: number | undefined;
  areaCode?: string | undefined;
  q?: string | undefined;
}

const COLUMNS =
  'id, number, status, seller_id, campaign_id, did_request_id, country, area_code, notes, assigned_at, retired_at, version, created_at, updated_at';

export function createDidsRepo(db: Queryable) {
  return {
    list(filter: DidFilter, page: PageRequest): Promise<(DidRow & { total: number })[]> {
      const p = new SqlParams();
      const where: string[] = [];
      if (filter.sellerId != null) where.push(`seller_id = ${p.add(filter.sellerId)}`);
      if (filter.status) where.push(`status = ${p.add(filter.status)}`);
      if (filter.campaignId) where.push(`campaign_id = ${p.add(filter.campaignId)}`);
      if (filter.areaCode) where.push(`area_code = ${p.add(filter.areaCode)}`);
      if (filter.q) where.push(`number LIKE ${p.add(`%${filter.q.replace(/[%_\\]/g, '')}%`)}`);
      return many(
        db,
        `SELECT ${COLUMNS}, count(*) OVER () AS total FROM dids ${whereClause(where)}
         ORDER BY number LIMIT ${p.add(page.limit)} OFFSET ${p.add(page.offset)}`,
        p.values,
      );
    },

    /** One DID, limited to `sellerId`'s when given. */
    get(id: number, sellerId: number | null, lock = false): Promise<DidRow | undefined> {
      return one(
        db,
        `SELECT ${COLUMNS} FROM dids WHERE id = $1 AND ($2::bigint IS NULL OR seller_id = $2)${lock ? ' FOR UPDATE' : ''}`,
        [id, sellerId],
      );
    },

    lockMany(ids: number[]): Promise<DidRow[]> {
      return many(db, `SELECT ${COLUMNS} FROM dids WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE`, [
        ids,
      ]);
    },

    /** Inserts the numbers not yet in the inventory; returns the rows created. */
    insertMany(
      rows: { number: string; country: string | null; area_code: string | null; notes: string | null }[],
    ) {
      return many<DidRow>(
        db,
        `INSERT INTO dids (number, country, area_code, notes)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
         ON CONFLICT (number) DO NOTHING RETURNING ${COLUMNS}`,
        [
          rows.map((r) => r.number),
          rows.map((r) => r.country),
          rows.map((r) => r.area_code),
          rows.map((r) => r.notes),
        ],
      );
    },

    setOwner(
      ids: number[],
      change: { status: DidStatus; sellerId: number | null; requestId?: number | null },
      now: Date,
    ): Promise<DidRow[]> {
      return many(
        db,
        `UPDATE dids SET status = $2, seller_id = $3, campaign_id = NULL,
                did_request_id = CASE WHEN $3::bigint IS NULL THEN NULL ELSE coalesce($4, did_request_id) END,
                assigned_at = CASE WHEN $2 = 'assigned' THEN $5::timestamptz END,
                retired_at = CASE WHEN $2 = 'retired' THEN $5::timestamptz END,
                updated_at = $5, version = version + 1
          WHERE id = ANY($1::bigint[]) RETURNING ${COLUMNS}`,
        [ids, change.status, change.sellerId, change.requestId ?? null, now],
      );
    },

    setCampaign(ids: number[], campaignId: number | null, now: Date): Promise<DidRow[]> {
      return many(
        db,
        `UPDATE dids SET campaign_id = $2, updated_at = $3, version = version + 1
          WHERE id = ANY($1::bigint[]) RETURNING ${COLUMNS}`,
        [ids, campaignId, now],
      );
    },

    /** A person's edit, only if the DID is still at `expected` (any version when undefined). */
    setNotes(
      id: number,
      notes: string | null,
      now: Date,
      expected: number | undefined,
    ): Promise<DidRow | undefined> {
      return one(
        db,
        `UPDATE dids SET notes = $2, updated_at = $3, version = version + 1
          WHERE id = $1 AND ($4::int IS NULL OR version = $4) RETURNING ${COLUMNS}`,
        [id, notes, now, expected ?? null],
      );
    },

    /** The DID's version now; undefined when it is gone. */
    async version(id: number): Promise<number | undefined> {
      return (await one<{ version: number }>(db, 'SELECT version FROM dids WHERE id = $1', [id]))?.version;
    },
  };
}

export type DidsRepo = ReturnType<typeof createDidsRepo>;
