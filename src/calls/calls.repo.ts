import { CALL_PATH_TIMEOUT_MS, many, one, type Queryable } from '../db/db.js';

const CALL_PATH = { timeoutMs: CALL_PATH_TIMEOUT_MS };
import { withRetry } from '../db/retry.js';
import { whileStale } from '../routing/routing.repo.js';
import { OPEN_STATES, sqlList } from './call-state.js';
import { endCallStatement, unroutedStatement } from './call-end.sql.js';

const OPEN = sqlList(OPEN_STATES);
const END = endCallStatement();
const UNROUTED = unroutedStatement();

export interface EndRow {
  call_id: number | null;
  state_before: string | null;
  fresh: boolean;
  changed: boolean;
  cost: string | null;
  notices: number;
}

/** A call to act on without a request from its PBX (expiry, a restarted PBX, a lost channel). */
export interface CallKey {
  id: number;
  pbx: string;
  uniqueid: string;
}

/** The SQL of a call's end and of the calls the worker settles without a hangup. */
export function createCallsRepo(db: Queryable) {
  return {
    /** call-end.sql.ts#endCallStatement. */
    endCall(v: Parameters<typeof END.values>[0]): Promise<EndRow> {
      return whileStale(async () => (await one<EndRow>(db, END.sql, END.values(v), CALL_PATH))!);
    },

    /** call-end.sql.ts#unroutedStatement: null when a call with this (pbx, uniqueid) exists. */
    async unrouted(v: Parameters<typeof UNROUTED.values>[0]): Promise<number | null> {
      const row = await withRetry(() =>
        one<{ call_id: number | null }>(db, UNROUTED.sql, UNROUTED.values(v), CALL_PATH),
      );
      return row?.call_id ?? null;
    },

    /** Open calls past their expiry, oldest first. */
    due(now: Date, limit: number): Promise<CallKey[]> {
      return many(
        db,
        `SELECT id, pbx, uniqueid FROM calls WHERE state IN (${OPEN}) AND expires_at <= $1 ORDER BY expires_at LIMIT $2`,
        [now, limit],
      );
    },

    /** Pushes a call's expiry back (after it failed to expire), so it does not hold up the others. */
    async postpone(id: number, until: Date): Promise<void> {
      await db.query('UPDATE calls SET expires_at = $2 WHERE id = $1', [id, until]);
    },

    /**
     * Open calls of PBXs that have restarted since: Asterisk's uniqueid sequence starts again at 0
     * when it starts, so an open call created before the PBX's newest call (by the PBX's clock and
     * by CapConduit's) but with a higher sequence belongs to a run of the PBX that has ended. The
     * newest call is the PBX's last uniqueid (the key index, read backwards), open or not, so one
     * short call after the restart is enough. A clock stepped back inside one run cannot trigger
     * it: calls after the step began later by CapConduit's clock than any before it.
     */
    restarted(): Promise<CallKey[]> {
      return many(
        db,
        `WITH p AS (
           SELECT DISTINCT pbx FROM calls WHERE state IN (${OPEN}) AND uid_epoch IS NOT NULL
         ), newest AS (
           SELECT p.pbx, n.uid_epoch, n.uid_seq, n.started_at FROM p
            CROSS JOIN LATERAL (SELECT c.uid_epoch, c.uid_seq, c.started_at FROM calls c
                                 WHERE c.pbx = p.pbx AND c.uid_epoch IS NOT NULL
                                 ORDER BY c.uniqueid DESC, c.generation DESC LIMIT 1) n
         )
         SELECT o.id, o.pbx, o.uniqueid FROM calls o JOIN newest n ON n.pbx = o.pbx
          WHERE o.state IN (${OPEN}) AND o.uid_epoch < n.uid_epoch AND o.uid_seq > n.uid_seq
            AND o.started_at < n.started_at
          ORDER BY o.id`,
      );
    },

    /** A PBX's open calls that began before `before`. */
    openOf(pbx: string, before: Date): Promise<CallKey[]> {
      return many(
        db,
        `SELECT id, pbx, uniqueid FROM calls WHERE pbx = $1 AND state IN (${OPEN}) AND started_at < $2 ORDER BY id`,
        [pbx, before],
      );
    },
  };
}

export type CallsRepo = ReturnType<typeof createCallsRepo>;
