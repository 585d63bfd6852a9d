import { many, one, type Queryable } from '../db/db.js';
import { SqlParams, whereClause } from '../shared/sql.js';
import type { PageRequest } from '../shared/types.js';
import { ENDED_STATES, sqlList, type AttemptState, type CallState } from './call-state.js';

/** A filter on the call log; `seller_id` is the seller whose calls to show, already scoped. */
export interface CallFilter {
  from?: string | undefined;
  to?: string | undefined;
  campaign_id?: number | undefined;
  client_id?: number | undefined;
  seller_id?: number | undefined;
  did?: string | undefined;
  caller?: string | undefined;
  routing_status?: string | undefined;
  disposition?: string | undefined;
}

export interface CallRow {
  id: number;
  uniqueid: string;
  direction: string;
  did: string | null;
  caller_id: string | null;
  campaign_id: number | null;
  campaign_name: string | null;
  seller_id: number | null;
  link_id: number | null;
  client_id: number | null;
  client_name: string | null;
  /** The client of the call's last attempt, answered or not (client_name: only the one that answered). */
  last_client_name: string | null;
  started_at: Date;
  answered_at: Date | null;
  ended_at: Date | null;
  duration: number | null;
  billsec: number;
  disposition: string | null;
  dial_status: string | null;
  hangup_cause: number | null;
  routing_status: string;
  reject_reason: string | null;
  billable: boolean;
  cost: string;
  payout: string;
  source: string | null;
  attempt_count: number;
  state: CallState;
}

/** One call as its detail page shows it: with its decision trace and what the PBX sent. */
export interface CallDetailRow extends CallRow {
  trace: Record<string, unknown>[];
  recording: string | null;
  pbx: string | null;
  did_raw: string | null;
  caller_id_raw: string | null;
  end_reason: string | null;
}

export interface AttemptRow {
  id: number;
  seq: number;
  state: AttemptState;
  link_id: number | null;
  client_id: number | null;
  client_name: string | null;
  dial_status: string | null;
  ring_seconds: number;
  started_at: Date;
  ended_at: Date | null;
}

const SELECT = `SELECT c.id, c.uniqueid, c.direction, c.did, c.caller_id, c.campaign_id, cp.name AS campaign_name, c.seller_id,
  c.link_id, c.client_id, cl.name AS client_name, c.started_at, c.answered_at, c.ended_at, c.duration, c.billsec,
  c.disposition, c.dial_status, c.hangup_cause, c.routing_status, c.reject_reason, c.billable, c.cost, c.payout, c.source,
  c.attempt_count, c.state,
  (SELECT k.name FROM call_attempts a JOIN clients k ON k.id = a.client_id
    WHERE a.call_id = c.id ORDER BY a.seq DESC LIMIT 1) AS last_client_name
  FROM calls c LEFT JOIN campaigns cp ON cp.id = c.campaign_id LEFT JOIN clients cl ON cl.id = c.client_id`;

const ENDED = sqlList(ENDED_STATES);

/** A number filter as people type it ("(212) 555-0151") matches the E.164 form calls store. */
function numberFilter(input: string): string {
  const t = input.trim();
  const cleaned = /^[+\d\s().\-/]+$/.test(t) ? t.replace(/[^\d]/g, '') : t;
  return `%${cleaned.replace(/[%_\\]/g, '')}%`;
}

function conditions(f: CallFilter, p: SqlParams, ended = true): string[] {
  // The call log lists the calls that are over; calls in progress are the live view.
  const where: string[] = ended ? [`c.state IN (${ENDED})`] : [];
  if (f.seller_id !== undefined) where.push(`c.seller_id = ${p.add(f.seller_id)}`);
  if (f.from) where.push(`c.started_at >= ${p.add(f.from)}::timestamptz`);
  if (f.to) where.push(`c.started_at < ${p.add(f.to)}::timestamptz`);
  if (f.campaign_id) where.push(`c.campaign_id = ${p.add(f.campaign_id)}`);
  if (f.client_id) where.push(`c.client_id = ${p.add(f.client_id)}`);
  if (f.did) where.push(`c.did LIKE ${p.add(numberFilter(f.did))}`);
  if (f.caller) where.push(`c.caller_id LIKE ${p.add(numberFilter(f.caller))}`);
  if (f.routing_status) where.push(`c.routing_status = ${p.add(f.routing_status)}`);
  if (f.disposition) where.push(`c.disposition = ${p.add(f.disposition)}`);
  return where;
}

/** SQL of the call log people read: ended calls filtered, one call with its attempts, exports. */
export function createCallLogRepo(db: Queryable) {
  return {
    /**
     * Ended calls, newest first, each with the total that matched, counted up to `countUpTo` (on
     * the rows: a page past the end has none, and its total is 0 as it always was). The page comes
     * from an index in this order (calls_log_idx, calls_log_seller_idx), left after offset + limit
     * rows; the total is a sub-query run once per statement, an index-only count that reads no call
     * row and stops at `countUpTo`. Not a window (`count(*) OVER ()`): that read, joined and
     * buffered every matching call for each page, so the call log slowed down with every call
     * made; nor a full count, which took 100–150 ms at a million calls (docs/performance.md).
     */
    list(filter: CallFilter, page: PageRequest, countUpTo: number): Promise<(CallRow & { total: number })[]> {
      const p = new SqlParams();
      const where = whereClause(conditions(filter, p));
      const upTo = p.add(countUpTo);
      return many<CallRow & { total: number }>(
        db,
        `${SELECT.replace('FROM calls c', () => `, (SELECT count(*) FROM (SELECT 1 FROM calls c ${where} LIMIT ${upTo}) n)::int AS total FROM calls c`)} ${where}
       ORDER BY c.started_at DESC, c.id DESC LIMIT ${p.add(page.limit)} OFFSET ${p.add(page.offset)}`,
        p.values,
      );
    },

    /** One call, ended or not, of `sellerId` when given. */
    get(id: number, sellerId: number | undefined): Promise<CallDetailRow | undefined> {
      const p = new SqlParams();
      const where = [...conditions({ seller_id: sellerId }, p, false), `c.id = ${p.add(id)}`];
      return one<CallDetailRow>(
        db,
        `${SELECT.replace('FROM calls c', ', c.trace, c.recording, c.pbx, c.did_raw, c.caller_id_raw, c.end_reason FROM calls c')} ${whereClause(where)}`,
        p.values,
      );
    },

    attempts(callId: number): Promise<AttemptRow[]> {
      return many<AttemptRow>(
        db,
        `SELECT a.id, a.seq, a.state, a.link_id, a.client_id, cl.name AS client_name, a.dial_status, a.ring_seconds, a.started_at, a.ended_at
         FROM call_attempts a LEFT JOIN clients cl ON cl.id = a.client_id WHERE a.call_id = $1 ORDER BY a.seq`,
        [callId],
      );
    },

    /** Up to `limit` ended calls oldest first, after `after` (keyset pagination) when given. */
    page(
      filter: CallFilter,
      after: { started_at: Date; id: number } | undefined,
      limit: number,
    ): Promise<CallRow[]> {
      const p = new SqlParams();
      const where = conditions(filter, p);
      if (after)
        where.push(
          `(c.started_at, c.id) > (${p.add(after.started_at)}::timestamptz, ${p.add(after.id)}::bigint)`,
        );
      return many<CallRow>(
        db,
        `${SELECT} ${whereClause(where)} ORDER BY c.started_at, c.id LIMIT ${p.add(limit)}`,
        p.values,
      );
    },
  };
}
