import { many, type Queryable } from '../db/db.js';
import { SqlParams, whereClause } from '../shared/sql.js';

/** One caller ID ready to insert; `meta` is JSON text, `lastUsedAt` an ISO timestamp. */
export interface NumberRow {
  poolId: number;
  number: string;
  areaCode: string | null;
  region: string | null;
  timezone: string;
  carrier: string | null;
  status: string;
  hourlyLimit: number | null;
  dailyLimit: number | null;
  maxConcurrent: number;
  meta: string;
  lastUsedAt: string | null;
}

export interface ExportedNumber {
  id: number;
  caller_id: string;
  campaign: string | null;
  carrier: string | null;
  area_code: string | null;
  region: string | null;
  timezone: string;
  status: string;
  hourly_limit: number | null;
  daily_limit: number | null;
  max_concurrent: number;
  last_used_at: Date | null;
  meta: Record<string, unknown>;
}

const INSERT = `INSERT INTO callerid_numbers
    (pool_id, number, area_code, region, timezone, carrier, status, hourly_limit, daily_limit, meta, last_used_at, max_concurrent)
  SELECT pool_id, number, area_code, region, timezone, carrier, status, hourly_limit, daily_limit, meta::jsonb, last_used_at, max_concurrent
    FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                $8::integer[], $9::integer[], $10::text[], $11::timestamptz[], $12::integer[])
      AS t (pool_id, number, area_code, region, timezone, carrier, status, hourly_limit, daily_limit, meta, last_used_at, max_concurrent)
  ON CONFLICT (number) DO NOTHING
  RETURNING number`;

/** SQL for bulk caller-ID import and export (pools are found or created by callerid.repo#poolId). */
export function createCallerIdImportRepo(db: Queryable) {
  return {
    /** Pool ids of the campaign pools that exist among `campaigns`. */
    async campaignPools(campaigns: string[]): Promise<Map<string, number>> {
      const rows = await many<{ id: number; campaign: string }>(
        db,
        'SELECT id, campaign FROM callerid_pools WHERE campaign = ANY($1::text[])',
        [campaigns],
      );
      return new Map(rows.map((r) => [r.campaign, r.id]));
    },

    /** Inserts the rows in one statement; returns the numbers inserted (the others already existed). */
    async insertMany(rows: NumberRow[]): Promise<Set<string>> {
      const col = <K extends keyof NumberRow>(k: K) => rows.map((r) => r[k]);
      const inserted = await many<{ number: string }>(db, INSERT, [
        col('poolId'),
        col('number'),
        col('areaCode'),
        col('region'),
        col('timezone'),
        col('carrier'),
        col('status'),
        col('hourlyLimit'),
        col('dailyLimit'),
        col('meta'),
        col('lastUsedAt'),
        col('maxConcurrent'),
      ]);
      return new Set(inserted.map((r) => r.number));
    },

    /**
     * One page of numbers in id order after `afterId` (keyset pagination). `campaign`: undefined
     * for every pool, null for the global pool, a code for that campaign's pool.
     */
    page(campaign: string | null | undefined, afterId: number, limit: number): Promise<ExportedNumber[]> {
      const p = new SqlParams();
      const where = [`n.id > ${p.add(afterId)}`];
      if (campaign === null) where.push('p.campaign IS NULL');
      else if (campaign !== undefined) where.push(`p.campaign = ${p.add(campaign)}`);
      return many<ExportedNumber>(
        db,
        `SELECT n.id, n.number AS caller_id, p.campaign, n.carrier, n.area_code, n.region, n.timezone, n.status,
                n.hourly_limit, n.daily_limit, n.max_concurrent, n.last_used_at, n.meta
           FROM callerid_numbers n JOIN callerid_pools p ON p.id = n.pool_id
          ${whereClause(where)} ORDER BY n.id LIMIT ${p.add(limit)}`,
        p.values,
      );
    },
  };
}
