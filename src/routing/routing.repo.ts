import { CALL_PATH_TIMEOUT_MS, one, type Queryable } from '../db/db.js';

const CALL_PATH = { timeoutMs: CALL_PATH_TIMEOUT_MS };
import { withRetry } from '../db/retry.js';
import type { CallState } from '../calls/call-state.js';
import type { EarlierCall } from './callers.js';
import type { RoutingContext } from './routing.types.js';
import { DECISION_SQL, nextStatement } from './next.sql.js';
import { rejectStatement, routeStatement } from './route.sql.js';

const LINK_JSON = `json_build_object('id', l.id, 'client_id', l.client_id, 'client_identifier', k.client_identifier,
  'client_name', k.name, 'status', l.status, 'client_status', k.status, 'forwarding_priority', l.forwarding_priority,
  'weight', l.weight, 'schedule', l.schedule, 'client_timezone', k.timezone, 'client_hours', k.business_hours,
  'min_billable_duration', l.min_billable_duration, 'payout', l.payout::text, 'caller_filter', l.caller_filter,
  'duplicate_window_seconds', l.duplicate_window_seconds, 'duplicate_action', l.duplicate_action,
  'client_paused_until', k.paused_until)`;

/** A call's decision as the database holds it: what its current attempt dials, or why it does not. */
export interface DecisionRow {
  call_id: number;
  state: CallState;
  reject_reason: string | null;
  attempt_id: number | null;
  client_identifier: string | null;
  link_id: number | null;
  client_id: number | null;
  dial_timeout: number;
  /** The file the call is recorded to (CC_RECORDING), when its campaign records calls. */
  recording: string | null;
}

export interface RouteRow {
  call_id: number | null;
  state: CallState | null;
  reason: string | null;
  attempt_id: number;
  link_id: number | null;
  client_id: number | null;
  client_identifier: string | null;
  dial_timeout: number | null;
  recording: string | null;
}

export interface NextRow extends Omit<DecisionRow, 'call_id'> {
  call_id: number | null;
  fresh: boolean;
  changed: boolean;
}

const ROUTE = routeStatement();
const REJECT = rejectStatement();
const NEXT = nextStatement();

/** Runs `run` again while the call it locked had changed since its snapshot (see statements.ts). */
export async function whileStale<R extends { call_id: number | null; fresh: boolean }>(
  run: () => Promise<R>,
  attempts = 10,
): Promise<R> {
  for (let i = 1; ; i++) {
    const row = await withRetry(run);
    if (row.call_id === null || row.fresh || i >= attempts) return row;
  }
}

export function createRoutingRepo(db: Queryable) {
  return {
    /** Everything the routing decision needs for a DID, in one read. */
    context(number: string): Promise<RoutingContext | undefined> {
      return one(
        db,
        `SELECT d.id AS did_id, d.status AS did_status, c.id AS campaign_id, c.status AS campaign_status,
                c.routing_strategy, c.dial_timeout_seconds, c.max_attempts, c.timezone, c.business_hours,
                c.caller_filter, c.duplicate_window_seconds, c.duplicate_action,
                u.id AS seller_id, u.status AS seller_status, u.balance::text AS balance,
                u.billing_rate_per_minute::text AS billing_rate_per_minute,
                coalesce(json_agg(${LINK_JSON} ORDER BY l.forwarding_priority, l.id) FILTER (WHERE l.id IS NOT NULL), '[]') AS links
           FROM dids d
           LEFT JOIN campaigns c ON c.id = d.campaign_id
           LEFT JOIN users u ON u.id = c.seller_id
           LEFT JOIN campaign_client_settings l ON l.campaign_id = c.id
           LEFT JOIN clients k ON k.id = l.client_id
          WHERE d.number = $1
          GROUP BY d.id, c.id, u.id`,
        [number],
        CALL_PATH,
      );
    },

    /**
     * The caller's latest call to the campaign since `since` that a buyer answered (the repeat
     * rule; calls_caller_idx). Read outside the statement that reserves: two calls of one caller
     * at the same moment both count as first.
     */
    earlierAnswered(
      caller: string,
      campaignId: number,
      since: Date,
      now: Date,
    ): Promise<EarlierCall | undefined> {
      return one(
        db,
        `SELECT c.id, c.started_at, c.link_id, c.client_id FROM calls c
          WHERE c.caller_id = $1 AND c.started_at >= $3 AND c.started_at <= $4 AND c.campaign_id = $2
            AND c.link_id IS NOT NULL AND c.direction = 'inbound'
          ORDER BY c.started_at DESC LIMIT 1`,
        [caller, campaignId, since, now],
        CALL_PATH,
      );
    },

    /** route.sql.ts#routeStatement: a new call and its first reservation, in one statement. */
    async route(v: Parameters<typeof ROUTE.values>[0]): Promise<RouteRow> {
      return (await withRetry(() => one<RouteRow>(db, ROUTE.sql, ROUTE.values(v), CALL_PATH)))!;
    },

    /** route.sql.ts#rejectStatement: a new call refused before trying any slot. */
    async reject(v: Parameters<typeof REJECT.values>[0]): Promise<number | null> {
      const row = await withRetry(() =>
        one<{ call_id: number | null }>(db, REJECT.sql, REJECT.values(v), CALL_PATH),
      );
      return row?.call_id ?? null;
    },

    /** next.sql.ts#nextStatement: a failed attempt's failover. */
    next(v: Parameters<typeof NEXT.values>[0]): Promise<NextRow> {
      return whileStale(async () => (await one<NextRow>(db, NEXT.sql, NEXT.values(v), CALL_PATH))!);
    },

    /** The newest call with this (pbx, uniqueid), with its current decision. */
    decision(pbx: string, uniqueid: string): Promise<DecisionRow | undefined> {
      return one(db, DECISION_SQL, [pbx, uniqueid], CALL_PATH);
    },
  };
}

export type RoutingRepo = ReturnType<typeof createRoutingRepo>;
