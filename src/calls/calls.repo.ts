import { many, one, type Queryable } from '../db/db.js';
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
      return whileStale(async () => (await one<EndRow>(db, END.sql, END.values(v)))!);
    },

    /** call-end.sql.ts#unroutedStatement: null when a call with this (pbx, uniqueid) exists. */
    async unrouted(v: Parameters<typeof UNROUTED.values>[0]): Promise<number | null> {
      const row = await withRetry(() =>
        one<{ call_id: number | null }>(db, UNROUTED.sql, UNROUTED.values(v)),
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
     * Open calls of PBXs that have restarted since: Asterisk's uniqueid sequence starts again at
     * 0 when it starts, so a call created well before the PBX's newest one (by the PBX's clock and
     * by CapConduit's) but with a higher sequence belongs to a run of the PBX that has ended.
     */
    restarted(marginSeconds: number): Promise<CallKey[]> {
      return many(
        db,
        `WITH o AS (
           SELECT id, pbx, uniqueid, uid_epoch, uid_seq, started_at FROM calls
            WHERE state IN (${OPEN}) AND uid_epoch IS NOT NULL
         ), newest AS (
           SELECT DISTINCT ON (pbx) pbx, uid_epoch, uid_seq, started_at FROM o ORDER BY pbx, started_at DESC, id DESC
         )
         SELECT o.id, o.pbx, o.uniqueid FROM o JOIN newest n ON n.pbx = o.pbx
          WHERE o.uid_epoch < n.uid_epoch - $1 AND o.uid_seq > n.uid_seq AND o.started_at < n.started_at
          ORDER BY o.id`,
        [marginSeconds],
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
