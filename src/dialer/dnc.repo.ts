import { many, one, type Queryable } from '../db/db.js';
import { SqlParams, whereClause } from '../shared/sql.js';
import type { PageRequest } from '../shared/types.js';

export type DncSource = 'import' | 'api' | 'disposition';

export interface DncRow {
  id: number;
  phone: string;
  /** null: every campaign (the global list). */
  campaign_id: number | null;
  source: DncSource;
  note: string | null;
  added_by: number | null;
  created_at: Date;
}

export interface DncEntry {
  /** E.164. */
  phone: string;
  campaignId: number | null;
  source: DncSource;
  note?: string | null | undefined;
  addedBy: number | null;
}

const COLUMNS = 'id, phone, campaign_id, source, note, added_by, created_at';
// The conflict target is the unique index dnc_numbers_key: one entry per number and campaign,
// the global list being campaign 0.
const KEY = '(phone, coalesce(campaign_id, 0))';

const INSERT_MANY = `INSERT INTO dnc_numbers (phone, campaign_id, source, note, added_by)
  SELECT phone, campaign_id, $1, note, $2
    FROM unnest($3::text[], $4::bigint[], $5::text[]) AS t (phone, campaign_id, note)
  ON CONFLICT ${KEY} DO NOTHING
  RETURNING phone, campaign_id`;

/** The key of an entry within an import: number and campaign. */
export const dncKey = (phone: string, campaignId: number | null) => `${phone} ${campaignId ?? 0}`;

/**
 * Puts a number on the do-not-call list (global when `campaignId` is null); nothing happens when
 * it is already there. For the dialer's disposition, inside its own transaction (`q` is the tx).
 */
export async function addDnc(q: Queryable, e: DncEntry): Promise<void> {
  await q.query(
    `INSERT INTO dnc_numbers (phone, campaign_id, source, note, added_by) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT ${KEY} DO NOTHING`,
    [e.phone, e.campaignId, e.source, e.note ?? null, e.addedBy],
  );
}

/** SQL for the do-not-call list (dnc_numbers). */
export function createDncRepo(db: Queryable) {
  return {
    list(
      filter: { phone?: string | undefined; campaignId?: number | undefined },
      page: PageRequest,
    ): Promise<(DncRow & { total: number })[]> {
      const p = new SqlParams();
      const where: string[] = [];
      if (filter.phone !== undefined) where.push(`phone = ${p.add(filter.phone)}`);
      if (filter.campaignId !== undefined) where.push(`campaign_id = ${p.add(filter.campaignId)}`);
      return many(
        db,
        `SELECT ${COLUMNS}, count(*) OVER () AS total FROM dnc_numbers ${whereClause(where)}
          ORDER BY id DESC LIMIT ${p.add(page.limit)} OFFSET ${p.add(page.offset)}`,
        p.values,
      );
    },

    get(id: number): Promise<DncRow | undefined> {
      return one(db, `SELECT ${COLUMNS} FROM dnc_numbers WHERE id = $1`, [id]);
    },

    /** The entry of a number for a campaign (null: the global one). */
    find(phone: string, campaignId: number | null): Promise<DncRow | undefined> {
      return one(
        db,
        `SELECT ${COLUMNS} FROM dnc_numbers WHERE phone = $1 AND coalesce(campaign_id, 0) = coalesce($2::bigint, 0)`,
        [phone, campaignId],
      );
    },

    /** Inserts the entry; undefined when it was already there. */
    insert(e: DncEntry): Promise<DncRow | undefined> {
      return one(
        db,
        `INSERT INTO dnc_numbers (phone, campaign_id, source, note, added_by) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT ${KEY} DO NOTHING RETURNING ${COLUMNS}`,
        [e.phone, e.campaignId, e.source, e.note ?? null, e.addedBy],
      );
    },

    /** Inserts the entries in one statement; returns the keys (dncKey) of those inserted. */
    async insertMany(
      rows: { phone: string; campaignId: number | null; note: string | null }[],
      source: DncSource,
      addedBy: number | null,
    ): Promise<Set<string>> {
      const inserted = await many<{ phone: string; campaign_id: number | null }>(db, INSERT_MANY, [
        source,
        addedBy,
        rows.map((r) => r.phone),
        rows.map((r) => r.campaignId),
        rows.map((r) => r.note),
      ]);
      return new Set(inserted.map((r) => dncKey(r.phone, r.campaign_id)));
    },

    async delete(id: number): Promise<boolean> {
      const { rowCount } = await db.query('DELETE FROM dnc_numbers WHERE id = $1', [id]);
      return rowCount > 0;
    },

    /** Those of `ids` that are dialer campaigns. */
    async existingCampaigns(ids: number[]): Promise<Set<number>> {
      const rows = await many<{ id: number }>(
        db,
        'SELECT id FROM dialer_campaigns WHERE id = ANY($1::bigint[])',
        [ids],
      );
      return new Set(rows.map((r) => r.id));
    },

    /** One page of entries in id order after `afterId` (keyset pagination, for exports). */
    after(afterId: number, limit: number): Promise<DncRow[]> {
      return many(db, `SELECT ${COLUMNS} FROM dnc_numbers WHERE id > $1 ORDER BY id LIMIT $2`, [
        afterId,
        limit,
      ]);
    },
  };
}
