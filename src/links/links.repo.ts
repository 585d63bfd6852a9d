import { one, many, type Queryable } from '../db/db.js';
import { SqlParams, setClause, versionIs } from '../shared/sql.js';
import type { CallerFilter, LinkRepeatAction } from '../routing/callers.js';
import type { BusinessHours } from '../shared/hours.js';

export interface LinkFields {
  status: 'active' | 'paused';
  forwarding_priority: number;
  weight: number;
  max_concurrency: number | null;
  total_calls_allowed: number | null;
  hourly_cap: number | null;
  daily_cap: number | null;
  monthly_cap: number | null;
  payout: string;
  min_billable_duration: number;
  schedule: Record<string, unknown> | null;
  /** Who this link's buyer takes (src/routing/callers.ts); null: everyone. */
  caller_filter: CallerFilter | null;
  /** This buyer's repeat-caller window and action; null: the campaign's. */
  duplicate_window_seconds: number | null;
  duplicate_action: LinkRepeatAction | null;
  /** What the total and window caps count once a call is over: conversions, or answered calls. */
  cap_counts: 'conversions' | 'answered';
}

export interface LinkRow extends LinkFields {
  id: number;
  campaign_id: number;
  client_id: number;
  client_name: string;
  client_status: string;
  /** The client's business hours and zone, and the campaign's zone (the link's schedule's). */
  client_hours: BusinessHours | null;
  client_timezone: string;
  /** The client's pause after unanswered calls, while it lasts. */
  client_paused_until: Date | null;
  campaign_timezone: string;
  current_total_calls: number;
  /** Calls being dialled or connected through this link now. */
  in_flight: number;
  /** Calls counted in the current hour, day and month (campaign time zone). */
  hour_count: number;
  day_count: number;
  month_count: number;
  /** Bumped by people's edits only (src/shared/versions.ts), never by calls moving counters. */
  version: number;
  created_at: Date;
  updated_at: Date;
}

export const LINK_COLUMNS: Record<keyof LinkFields, string> = {
  status: 'status',
  forwarding_priority: 'forwarding_priority',
  weight: 'weight',
  max_concurrency: 'max_concurrency',
  total_calls_allowed: 'total_calls_allowed',
  hourly_cap: 'hourly_cap',
  daily_cap: 'daily_cap',
  monthly_cap: 'monthly_cap',
  payout: 'payout',
  min_billable_duration: 'min_billable_duration',
  schedule: 'schedule::jsonb',
  caller_filter: 'caller_filter::jsonb',
  duplicate_window_seconds: 'duplicate_window_seconds',
  duplicate_action: 'duplicate_action',
  cap_counts: 'cap_counts',
};

/**
 * A link with what counts against its caps right now: window counts only while their window
 * (in the campaign's time zone, as routing counts them) is the current one. `$1` is now.
 */
const SELECT = `SELECT l.id, l.campaign_id, l.client_id, cl.name AS client_name, cl.status AS client_status, l.status,
  cl.business_hours AS client_hours, cl.timezone AS client_timezone, c.timezone AS campaign_timezone,
  l.forwarding_priority, l.weight, l.max_concurrency, l.total_calls_allowed, l.current_total_calls, l.hourly_cap,
  l.daily_cap, l.monthly_cap, l.payout, l.min_billable_duration, l.schedule, l.caller_filter,
  l.duplicate_window_seconds, l.duplicate_action, l.cap_counts, l.version, l.created_at, l.updated_at,
  CASE WHEN cl.paused_at IS NOT NULL THEN cl.paused_until END AS client_paused_until,
  l.in_flight,
  CASE WHEN l.hour_start >= date_trunc('hour', $1::timestamptz, c.timezone) THEN l.hour_count ELSE 0 END AS hour_count,
  CASE WHEN l.day_start >= date_trunc('day', $1::timestamptz, c.timezone) THEN l.day_count ELSE 0 END AS day_count,
  CASE WHEN l.month_start >= date_trunc('month', $1::timestamptz, c.timezone) THEN l.month_count ELSE 0 END AS month_count
  FROM campaign_client_settings l JOIN clients cl ON cl.id = l.client_id JOIN campaigns c ON c.id = l.campaign_id`;

export function createLinksRepo(db: Queryable) {
  return {
    forCampaign(campaignId: number, now: Date): Promise<LinkRow[]> {
      return many(db, `${SELECT} WHERE l.campaign_id = $2 ORDER BY l.forwarding_priority, l.id`, [
        now,
        campaignId,
      ]);
    },

    /** Links of every campaign (of `sellerId` when given), for cap gauges. */
    all(sellerId: number | null, now: Date): Promise<(LinkRow & { campaign_name: string })[]> {
      return many(
        db,
        `${SELECT.replace(' FROM ', ', c.name AS campaign_name FROM ')}
         WHERE ($2::bigint IS NULL OR c.seller_id = $2) AND c.status <> 'archived'
         ORDER BY c.name, l.forwarding_priority, l.id`,
        [now, sellerId],
      );
    },

    /** One link, limited to campaigns of `sellerId` when given. */
    get(id: number, sellerId: number | null, now: Date): Promise<LinkRow | undefined> {
      return one(db, `${SELECT} WHERE l.id = $2 AND ($3::bigint IS NULL OR c.seller_id = $3)`, [
        now,
        id,
        sellerId,
      ]);
    },

    async clientExists(clientId: number): Promise<boolean> {
      const row = await one<{ id: number }>(db, 'SELECT id FROM clients WHERE id = $1', [clientId]);
      return row !== undefined;
    },

    async insert(campaignId: number, clientId: number, f: LinkFields): Promise<number> {
      const row = await one<{ id: number }>(
        db,
        `INSERT INTO campaign_client_settings (campaign_id, client_id, status, forwarding_priority, weight,
           max_concurrency, total_calls_allowed, hourly_cap, daily_cap, monthly_cap, payout, min_billable_duration, schedule,
           caller_filter, duplicate_window_seconds, duplicate_action, cap_counts)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::jsonb, $14::jsonb, $15, $16, $17) RETURNING id`,
        [
          campaignId,
          clientId,
          f.status,
          f.forwarding_priority,
          f.weight,
          f.max_concurrency,
          f.total_calls_allowed,
          f.hourly_cap,
          f.daily_cap,
          f.monthly_cap,
          f.payout,
          f.min_billable_duration,
          f.schedule === null ? null : JSON.stringify(f.schedule),
          f.caller_filter === null ? null : JSON.stringify(f.caller_filter),
          f.duplicate_window_seconds,
          f.duplicate_action,
          f.cap_counts,
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
      patch: Partial<LinkFields>,
      now: Date,
      expected: number | undefined,
    ): Promise<number | undefined> {
      const p = new SqlParams();
      const set = setClause({ ...patch, updated_at: now }, { ...LINK_COLUMNS, updated_at: 'updated_at' }, p);
      const row = await one<{ version: number }>(
        db,
        `UPDATE campaign_client_settings ${set}, version = version + 1
          WHERE id = ${p.add(id)} AND ${versionIs(expected, p)} RETURNING version`,
        p.values,
      );
      return row?.version;
    },

    /** The link's version now; undefined when it is gone. */
    async version(id: number): Promise<number | undefined> {
      return (
        await one<{ version: number }>(db, 'SELECT version FROM campaign_client_settings WHERE id = $1', [id])
      )?.version;
    },

    /** Starts the total count again: a counter, so the version (of what people edit) stays. */
    async resetTotal(id: number, now: Date): Promise<void> {
      await db.query(
        'UPDATE campaign_client_settings SET current_total_calls = 0, updated_at = $2 WHERE id = $1',
        [id, now],
      );
    },

    /**
     * Deletes a link that holds nothing its caps count: no call in flight, no converted call toward
     * its total, none this month (in the campaign's time zone). Otherwise deletes nothing and says
     * what it holds: the routing statements lock the link row, so a call taking a slot at the same
     * moment is seen here.
     */
    async deleteUnused(
      id: number,
      now: Date,
      expected: number | undefined,
    ): Promise<{ deleted: boolean; in_flight: number; counted: number; version: number | undefined }> {
      const res = await db.query<{ id: number }>(
        `DELETE FROM campaign_client_settings t USING campaigns c
          WHERE t.id = $1 AND c.id = t.campaign_id AND ($3::int IS NULL OR t.version = $3)
            AND t.in_flight = 0 AND t.current_total_calls = 0
            AND NOT (t.month_count > 0 AND t.month_start >= date_trunc('month', $2::timestamptz, c.timezone))
          RETURNING t.id`,
        [id, now, expected ?? null],
      );
      if (res.rows.length > 0) return { deleted: true, in_flight: 0, counted: 0, version: undefined };
      const row = await db.query<{ in_flight: number; counted: number; version: number }>(
        `SELECT t.in_flight, t.version, greatest(t.current_total_calls,
                  CASE WHEN t.month_start >= date_trunc('month', $2::timestamptz, c.timezone) THEN t.month_count ELSE 0 END) AS counted
           FROM campaign_client_settings t JOIN campaigns c ON c.id = t.campaign_id WHERE t.id = $1`,
        [id, now],
      );
      const r = row.rows[0];
      return { deleted: false, in_flight: r?.in_flight ?? 0, counted: r?.counted ?? 0, version: r?.version };
    },
  };
}
