import { one, type Queryable } from '../db/db.js';
import { ledgerCtes, type LedgerEntry } from '../billing/balances.repo.js';
import {
  CAMPAIGN_FULL,
  LINK_COUNTERS,
  linkAfterRelease,
  releaseSlot,
  type LinkAfterRelease,
  type LinkCountersRow,
} from '../routing/caps.js';
import type { AttemptRecord, TraceEntry, Windows } from '../routing/routing.types.js';

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

/** What a call held, to give back as it ends. Absent parts are skipped. */
export interface CallRelease {
  converted: boolean;
  /** The seller's charge, posted to the ledger by the same statement. */
  charge?: { entry: LedgerEntry; lowThreshold: string } | undefined;
  campaign: { id: number; windows: Windows } | undefined;
  link: { id: number; windows: Windows; clientId: number | null } | undefined;
}

function endCallSql(log: NewCallLog, attempts: AttemptRecord[], release: CallRelease | undefined) {
  const params: unknown[] = [];
  const add = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const cols = Object.keys(log) as (keyof NewCallLog)[];
  const values = cols.map((c) => (c === 'trace' ? `${add(JSON.stringify(log[c]))}::jsonb` : add(log[c])));
  const arrays = [
    `${add(attempts.map((_, i) => i + 1))}::int[]`,
    `${add(attempts.map((a) => a.link_id))}::bigint[]`,
    `${add(attempts.map((a) => a.client_id))}::bigint[]`,
    `${add(attempts.map((a) => a.dial_status))}::text[]`,
    `${add(attempts.map((a) => a.ring_seconds))}::int[]`,
    `${add(attempts.map((a) => a.started_at))}::timestamptz[]`,
    `${add(attempts.map((a) => a.ended_at))}::timestamptz[]`,
  ];
  const insert = `c AS (
      INSERT INTO call_logs (${cols.join(', ')}) VALUES (${values.join(', ')})
      ON CONFLICT (uniqueid) DO NOTHING RETURNING id
    ), a AS (
      INSERT INTO call_attempts (call_id, seq, link_id, client_id, dial_status, ring_seconds, started_at, ended_at)
      SELECT c.id, x.* FROM c, unnest(${arrays.join(', ')}) AS x(seq, link_id, client_id, dial_status, ring_seconds, started_at, ended_at)
    )`;
  if (!release) return { sql: `WITH ${insert} SELECT (SELECT id FROM c) AS id`, params };
  const converted = `${add(release.converted)}::boolean`;
  const cw = release.campaign?.windows;
  const lw = release.link?.windows;
  const sql = `WITH rc AS (
      UPDATE campaigns t SET ${releaseSlot(converted, add(cw?.hour ?? null), add(cw?.day ?? null), add(cw?.month ?? null))}
       WHERE t.id = ${add(release.campaign?.id ?? null)}::bigint RETURNING ${CAMPAIGN_FULL} AS full_caps
    ), rl AS (
      UPDATE campaign_client_settings t SET ${releaseSlot(converted, add(lw?.hour ?? null), add(lw?.day ?? null), add(lw?.month ?? null))},
             current_total_calls = t.current_total_calls + CASE WHEN ${converted} THEN 1 ELSE 0 END
       WHERE t.id = ${add(release.link?.id ?? null)}::bigint RETURNING ${LINK_COUNTERS}
    ), rk AS (
      UPDATE clients SET in_flight = clients.in_flight - 1 FROM rl
       WHERE clients.id = ${add(release.link?.clientId ?? null)}::bigint RETURNING clients.id
    ), ${insert}
    ${release.charge ? `, ${ledgerCtes(release.charge.entry, release.charge.lowThreshold, add)}` : ''}
    SELECT (SELECT full_caps FROM rc) AS campaign_full, (SELECT row_to_json(rl) FROM rl) AS link_after,
           (SELECT id FROM c) AS id, (SELECT count(*) FROM rk) AS clients_released
           ${release.charge ? ', (SELECT lu.after FROM lu) AS balance_after, (SELECT lu.crossed_low FROM lu) AS crossed_low, (SELECT count(*) FROM lg) AS posted' : ''}`;
  return { sql, params };
}

export function createCallsRepo(db: Queryable) {
  return {
    exists(uniqueid: string): Promise<{ id: number } | undefined> {
      return one(db, 'SELECT id FROM call_logs WHERE uniqueid = $1', [uniqueid]);
    },

    /** Inserts the log and its attempts in one statement; undefined if the uniqueid is logged already. */
    async insert(log: NewCallLog, attempts: AttemptRecord[]): Promise<number | undefined> {
      const q = endCallSql(log, attempts, undefined);
      const row = await one<{ id: number | null }>(db, q.sql, q.params);
      return row?.id ?? undefined;
    },

    /**
     * The end of a call in one statement: the campaign's and the link's (and client's) slots
     * released, the log and its attempts inserted. Each step reads the one before, which fixes
     * the lock order: campaign, link, client.
     */
    async endCall(
      log: NewCallLog,
      attempts: AttemptRecord[],
      release: CallRelease,
    ): Promise<{
      id: number | undefined;
      campaign_full: string[];
      link_after: LinkAfterRelease | undefined;
      balance_after: string | undefined;
      crossed_low: boolean;
    }> {
      const q = endCallSql(log, attempts, release);
      const row = await one<{
        id: number | null;
        campaign_full: string[] | null;
        link_after: LinkCountersRow | null;
        balance_after?: string | null;
        crossed_low?: boolean | null;
      }>(db, q.sql, q.params);
      return {
        id: row?.id ?? undefined,
        campaign_full: row?.campaign_full ?? [],
        link_after: row?.link_after ? linkAfterRelease(row.link_after) : undefined,
        balance_after: row?.balance_after ?? undefined,
        crossed_low: row?.crossed_low ?? false,
      };
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
