import { one, many, type Queryable } from '../db/db.js';
import type { CallerFilter, CampaignRepeatAction } from '../routing/callers.js';
import type { BusinessHours } from '../shared/hours.js';
import { SqlParams, setClause, versionIs, whereClause } from '../shared/sql.js';
import type { PageRequest } from '../shared/types.js';

export type CampaignStatus = 'active' | 'paused' | 'archived';
export type RoutingStrategy = 'priority' | 'round_robin' | 'weighted';

export interface CampaignFields {
  name: string;
  status: CampaignStatus;
  routing_strategy: RoutingStrategy;
  dial_timeout_seconds: number;
  max_attempts: number;
  max_concurrency: number | null;
  hourly_cap: number | null;
  daily_cap: number | null;
  monthly_cap: number | null;
  timezone: string;
  business_hours: BusinessHours | null;
  /** Inbound calls are recorded (the route answer names a file: CC_RECORDING). */
  record_calls: boolean;
  /** Who may call (src/routing/callers.ts); null: everyone. */
  caller_filter: CallerFilter | null;
  /** The repeat-caller rule: its window (null: none) and what it does. */
  duplicate_window_seconds: number | null;
  duplicate_action: CampaignRepeatAction;
}

export interface CampaignRow extends CampaignFields {
  id: number;
  seller_id: number;
  seller_name: string;
  did_count: number;
  link_count: number;
  /** Bumped by people's edits only (src/shared/versions.ts), never by calls moving counters. */
  version: number;
  created_at: Date;
  updated_at: Date;
}

const SELECT = `SELECT c.id, c.seller_id, c.name, c.status, c.routing_strategy, c.dial_timeout_seconds, c.max_attempts,
  c.max_concurrency, c.hourly_cap, c.daily_cap, c.monthly_cap, c.timezone, c.business_hours, c.record_calls,
  c.caller_filter, c.duplicate_window_seconds, c.duplicate_action, c.version, c.created_at, c.updated_at,
  (SELECT u.name FROM users u WHERE u.id = c.seller_id) AS seller_name,
  (SELECT count(*) FROM dids d WHERE d.campaign_id = c.id) AS did_count,
  (SELECT count(*) FROM campaign_client_settings l WHERE l.campaign_id = c.id) AS link_count`;

/** API field → column; `::jsonb` marks JSON columns. */
export const CAMPAIGN_COLUMNS: Record<keyof CampaignFields, string> = {
  name: 'name',
  status: 'status',
  routing_strategy: 'routing_strategy',
  dial_timeout_seconds: 'dial_timeout_seconds',
  max_attempts: 'max_attempts',
  max_concurrency: 'max_concurrency',
  hourly_cap: 'hourly_cap',
  daily_cap: 'daily_cap',
  monthly_cap: 'monthly_cap',
  timezone: 'timezone',
  business_hours: 'business_hours::jsonb',
  record_calls: 'record_calls',
  caller_filter: 'caller_filter::jsonb',
  duplicate_window_seconds: 'duplicate_window_seconds',
  duplicate_action: 'duplicate_action',
};

export function createCampaignsRepo(db: Queryable) {
  return {
    list(
      filter: {
        sellerId?: number | null | undefined;
        status?: CampaignStatus | undefined;
        q?: string | undefined;
      },
      page: PageRequest,
    ): Promise<(CampaignRow & { total: number })[]> {
      const p = new SqlParams();
      const where: string[] = [];
      if (filter.sellerId != null) where.push(`c.seller_id = ${p.add(filter.sellerId)}`);
      if (filter.status) where.push(`c.status = ${p.add(filter.status)}`);
      if (filter.q) where.push(`c.name ILIKE ${p.add(`%${filter.q}%`)}`);
      return many(
        db,
        `${SELECT}, count(*) OVER () AS total FROM campaigns c ${whereClause(where)}
         ORDER BY c.id DESC LIMIT ${p.add(page.limit)} OFFSET ${p.add(page.offset)}`,
        p.values,
      );
    },

    get(id: number, sellerId: number | null): Promise<CampaignRow | undefined> {
      return one(
        db,
        `${SELECT} FROM campaigns c WHERE c.id = $1 AND ($2::bigint IS NULL OR c.seller_id = $2)`,
        [id, sellerId],
      );
    },

    /** Those of `ids` that are active campaigns. */
    active(ids: number[]): Promise<{ id: number; name: string }[]> {
      return many<{ id: number; name: string }>(
        db,
        `SELECT id, name FROM campaigns WHERE id = ANY($1::bigint[]) AND status = 'active'`,
        [ids],
      );
    },

    async insert(sellerId: number, f: CampaignFields): Promise<number> {
      const row = await one<{ id: number }>(
        db,
        `INSERT INTO campaigns (seller_id, name, status, routing_strategy, dial_timeout_seconds, max_attempts,
           max_concurrency, hourly_cap, daily_cap, monthly_cap, timezone, business_hours, record_calls,
           caller_filter, duplicate_window_seconds, duplicate_action)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::jsonb, $13, $14::jsonb, $15, $16) RETURNING id`,
        [
          sellerId,
          f.name,
          f.status,
          f.routing_strategy,
          f.dial_timeout_seconds,
          f.max_attempts,
          f.max_concurrency,
          f.hourly_cap,
          f.daily_cap,
          f.monthly_cap,
          f.timezone,
          f.business_hours === null ? null : JSON.stringify(f.business_hours),
          f.record_calls,
          f.caller_filter === null ? null : JSON.stringify(f.caller_filter),
          f.duplicate_window_seconds,
          f.duplicate_action,
        ],
      );
      return row!.id;
    },

    /**
     * A person's edit: applies `patch` and bumps the version, only if the row is still at
     * `expected` (any version when undefined). The new version, or undefined when no row matched.
     */
    async update(
      id: number,
      patch: Partial<CampaignFields>,
      now: Date,
      expected: number | undefined,
    ): Promise<number | undefined> {
      const p = new SqlParams();
      const set = setClause(
        { ...patch, updated_at: now },
        { ...CAMPAIGN_COLUMNS, updated_at: 'updated_at' },
        p,
      );
      const row = await one<{ version: number }>(
        db,
        `UPDATE campaigns ${set}, version = version + 1
          WHERE id = ${p.add(id)} AND ${versionIs(expected, p)}
          RETURNING version`,
        p.values,
      );
      return row?.version;
    },

    /** The campaign's version now; undefined when it is gone. */
    async version(id: number): Promise<number | undefined> {
      return (await one<{ version: number }>(db, 'SELECT version FROM campaigns WHERE id = $1', [id]))
        ?.version;
    },

    /**
     * Deletes a campaign that has no calls, in progress or on record (their log refers to it), and
     * is still at version `expected` when given; returns otherwise how many calls it has and its
     * version now (undefined: gone), and deletes nothing.
     */
    async deleteUnused(
      id: number,
      expected: number | undefined,
    ): Promise<{ deleted: boolean; calls: number; open: number; version: number | undefined }> {
      const res = await db.query<{ id: number }>(
        `DELETE FROM campaigns c WHERE c.id = $1 AND ($2::int IS NULL OR c.version = $2) AND c.in_flight = 0
            AND NOT EXISTS (SELECT 1 FROM calls k WHERE k.campaign_id = c.id) RETURNING c.id`,
        [id, expected ?? null],
      );
      if (res.rows.length > 0) return { deleted: true, calls: 0, open: 0, version: undefined };
      const row = await db.query<{ calls: number; open: number; version: number | null }>(
        `SELECT count(*)::int AS calls, count(*) FILTER (WHERE state IN ('dialing', 'rejected', 'exhausted'))::int AS open,
                (SELECT version FROM campaigns WHERE id = $1) AS version
           FROM calls WHERE campaign_id = $1`,
        [id],
      );
      const r = row.rows[0];
      return { deleted: false, calls: r?.calls ?? 0, open: r?.open ?? 0, version: r?.version ?? undefined };
    },
  };
}
