import { one, type Queryable } from '../db/db.js';
import type { AttemptRecord, TraceEntry } from '../routing/routing.repo.js';

export type RoutingStatus = 'routed' | 'rejected' | 'unrouted' | 'expired';
export type CallSource = 'agi' | 'http' | 'reconciled' | 'expired';

export interface NewCallLog {
  uniqueid: string;
  did: string | null;
  caller_id: string | null;
  did_id: number | null;
  campaign_id: number | null;
  seller_id: number | null;
  link_id: number | null;
  client_id: number | null;
  started_at: Date;
  answered_at: Date | null;
  ended_at: Date | null;
  duration: number | null;
  billsec: number;
  disposition: string;
  dial_status: string | null;
  hangup_cause: number | null;
  routing_status: RoutingStatus;
  reject_reason: string | null;
  billable: boolean;
  cost: string;
  payout: string;
  trace: TraceEntry[];
  source: CallSource;
  pbx: string | null;
}

export function createCallsRepo(db: Queryable) {
  return {
    exists(uniqueid: string): Promise<{ id: number } | undefined> {
      return one(db, 'SELECT id FROM call_logs WHERE uniqueid = $1', [uniqueid]);
    },

    /** Inserts the log and its attempts in one statement; undefined if the uniqueid is logged already. */
    async insert(log: NewCallLog, attempts: AttemptRecord[]): Promise<number | undefined> {
      const cols = Object.keys(log) as (keyof NewCallLog)[];
      const values = cols.map((c) => (c === 'trace' ? JSON.stringify(log[c]) : log[c]));
      const n = cols.length;
      const row = await one<{ id: number }>(
        db,
        `WITH c AS (
           INSERT INTO call_logs (${cols.join(', ')})
           VALUES (${cols.map((c, i) => `$${i + 1}${c === 'trace' ? '::jsonb' : ''}`).join(', ')})
           ON CONFLICT (uniqueid) DO NOTHING RETURNING id
         ), a AS (
           INSERT INTO call_attempts (call_id, seq, link_id, client_id, dial_status, ring_seconds, started_at, ended_at)
           SELECT c.id, x.seq, x.link_id, x.client_id, x.dial_status, x.ring_seconds, x.started_at, x.ended_at
             FROM c, unnest($${n + 1}::int[], $${n + 2}::bigint[], $${n + 3}::bigint[], $${n + 4}::text[],
                            $${n + 5}::int[], $${n + 6}::timestamptz[], $${n + 7}::timestamptz[])
                  AS x(seq, link_id, client_id, dial_status, ring_seconds, started_at, ended_at)
         )
         SELECT id FROM c`,
        [
          ...values,
          attempts.map((_, i) => i + 1),
          attempts.map((a) => a.link_id),
          attempts.map((a) => a.client_id),
          attempts.map((a) => a.dial_status),
          attempts.map((a) => a.ring_seconds),
          attempts.map((a) => a.started_at),
          attempts.map((a) => a.ended_at),
        ],
      );
      return row?.id;
    },

    /** True the first time a (scope, cap, window) is noticed. */
    async firstNotice(
      scope: string,
      scopeId: number,
      cap: string,
      windowStart: Date | null,
    ): Promise<boolean> {
      const res = await db.query(
        `INSERT INTO cap_notices (scope, scope_id, cap, window_start) VALUES ($1, $2, $3, coalesce($4::timestamptz, '-infinity'))
         ON CONFLICT DO NOTHING RETURNING cap`,
        [scope, scopeId, cap, windowStart],
      );
      return res.rows.length > 0;
    },
  };
}
