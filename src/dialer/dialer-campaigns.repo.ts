import { many, one, type Queryable } from '../db/db.js';
import { SqlParams, setClause, whereClause } from '../shared/sql.js';
import type { PageRequest } from '../shared/types.js';

export type DialerCampaignStatus = 'active' | 'paused' | 'archived';
export type DialerMode = 'preview' | 'progressive' | 'predictive';
export type AmdMode = 'off' | 'hangup' | 'message';
export const RETRY_OUTCOMES = ['busy', 'no_answer', 'machine', 'failed', 'abandoned'] as const;
export type RetryOutcome = (typeof RETRY_OUTCOMES)[number];
export interface RetryRule {
  delay_minutes: number;
  max: number;
}
export type RetryPolicy = Record<RetryOutcome, RetryRule>;

/** What an admin sets on a dialer campaign (migrations/0015_dialer.sql). */
export interface DialerCampaignFields {
  name: string;
  status: DialerCampaignStatus;
  mode: DialerMode;
  server_id: number | null;
  max_dial_level: number;
  abandon_target: number;
  ring_timeout_seconds: number;
  amd: AmdMode;
  machine_sound: string | null;
  abandon_sound: string;
  retry_policy: RetryPolicy;
  max_attempts: number;
  callerid_campaign: string | null;
  dispositions: string[];
  /** 'HH:MM', in the lead's local time. */
  call_start: string;
  call_end: string;
  /** ISO weekdays, 1 = Monday. */
  call_days: number[];
  unknown_tz_zone: string | null;
}

/** A dialer campaign as the engine and the API read it: numbers as numbers, times as 'HH:MM'. */
export interface DialerCampaign extends DialerCampaignFields {
  id: number;
  /** Bumped by every change (optimistic concurrency). */
  version: number;
  created_at: Date;
  updated_at: Date;
}

// numeric comes back as text from both backends; float8 is a number in both.
const SELECT = `SELECT id, name, status, mode, server_id, max_dial_level::float8 AS max_dial_level,
  abandon_target::float8 AS abandon_target, ring_timeout_seconds, amd, machine_sound, abandon_sound,
  retry_policy, max_attempts, callerid_campaign, dispositions,
  to_char(call_start, 'HH24:MI') AS call_start, to_char(call_end, 'HH24:MI') AS call_end,
  call_days::int[] AS call_days, unknown_tz_zone, version, created_at, updated_at`;

const COLUMNS: Record<keyof DialerCampaignFields, string> = {
  name: 'name',
  status: 'status',
  mode: 'mode',
  server_id: 'server_id',
  max_dial_level: 'max_dial_level',
  abandon_target: 'abandon_target',
  ring_timeout_seconds: 'ring_timeout_seconds',
  amd: 'amd',
  machine_sound: 'machine_sound',
  abandon_sound: 'abandon_sound',
  retry_policy: 'retry_policy::jsonb',
  max_attempts: 'max_attempts',
  callerid_campaign: 'callerid_campaign',
  dispositions: 'dispositions',
  call_start: 'call_start',
  call_end: 'call_end',
  call_days: 'call_days',
  unknown_tz_zone: 'unknown_tz_zone',
};

/** The unique index on lower(name) among campaigns not archived. */
export const DIALER_CAMPAIGN_NAME_KEY = 'dialer_campaigns_name_key';

export function createDialerCampaignsRepo(db: Queryable) {
  return {
    /** A page, newest first; archived campaigns only when `status` asks for them. */
    list(
      filter: { status?: DialerCampaignStatus | undefined },
      page: PageRequest,
    ): Promise<(DialerCampaign & { total: number })[]> {
      const p = new SqlParams();
      const where = [filter.status ? `status = ${p.add(filter.status)}` : `status <> 'archived'`];
      return many(
        db,
        `${SELECT}, count(*) OVER () AS total FROM dialer_campaigns ${whereClause(where)}
         ORDER BY id DESC LIMIT ${p.add(page.limit)} OFFSET ${p.add(page.offset)}`,
        p.values,
      );
    },

    get(id: number): Promise<DialerCampaign | undefined> {
      return one(db, `${SELECT} FROM dialer_campaigns WHERE id = $1`, [id]);
    },

    /** The row locked for a change (inside a transaction). */
    lock(id: number): Promise<DialerCampaign | undefined> {
      return one(db, `${SELECT} FROM dialer_campaigns WHERE id = $1 FOR UPDATE`, [id]);
    },

    async insert(f: DialerCampaignFields, now: Date): Promise<number> {
      const p = new SqlParams();
      const names = Object.keys(COLUMNS) as (keyof DialerCampaignFields)[];
      const values = names.map((k) =>
        k === 'retry_policy' ? `${p.add(JSON.stringify(f[k]))}::jsonb` : p.add(f[k]),
      );
      const at = p.add(now);
      const row = await one<{ id: number }>(
        db,
        `INSERT INTO dialer_campaigns (${names.join(', ')}, created_at, updated_at)
         VALUES (${values.join(', ')}, ${at}, ${at}) RETURNING id`,
        p.values,
      );
      return row!.id;
    },

    /** Applies the defined fields of `patch` and bumps the version. */
    async update(id: number, patch: Partial<DialerCampaignFields>, now: Date): Promise<void> {
      const p = new SqlParams();
      const set = setClause({ ...patch, updated_at: now }, { ...COLUMNS, updated_at: 'updated_at' }, p);
      await db.query(
        `UPDATE dialer_campaigns ${set}, version = version + 1 WHERE id = ${p.add(id)}`,
        p.values,
      );
    },

    /** Agents in the campaign and its calls not yet over (an archive waits for both to be none). */
    async activity(id: number): Promise<{ sessions: number; open_calls: number }> {
      const row = await one<{ sessions: number; open_calls: number }>(
        db,
        `SELECT (SELECT count(*)::int FROM dialer_sessions WHERE campaign_id = $1) AS sessions,
                (SELECT count(*)::int FROM calls WHERE dialer_campaign_id = $1
                    AND state IN ('customer_dialing', 'amd', 'waiting_agent', 'connected')) AS open_calls`,
        [id],
      );
      return row ?? { sessions: 0, open_calls: 0 };
    },
  };
}

export type DialerCampaignsRepo = ReturnType<typeof createDialerCampaignsRepo>;
