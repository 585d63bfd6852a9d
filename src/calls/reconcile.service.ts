import { many, type Db } from '../db/db.js';
import type { Clock } from '../shared/clock.js';
import type { CallEndService } from './call-end.service.js';

/** One call as Asterisk's CDR table (cdr_pgsql) records it; a channel may leave several rows. */
interface CdrCall {
  uniqueid: string;
  started: Date | null;
  ended: Date | null;
  answered: boolean;
  billsec: number | null;
  duration: number | null;
  disposition: string | null;
  dst: string | null;
  src: string | null;
}

/** Asterisk CDR disposition → the DIALSTATUS CapConduit records. */
export function dialStatusFromDisposition(disposition: string | null, answered: boolean): string {
  if (answered) return 'ANSWER';
  switch (disposition) {
    case 'BUSY':
      return 'BUSY';
    case 'NO ANSWER':
      return 'NOANSWER';
    case 'CONGESTION':
      return 'CONGESTION';
    case 'FAILED':
      return 'CHANUNAVAIL';
    default:
      return '';
  }
}

/**
 * Reconciliation with Asterisk's own CDRs (written by cdr_pgsql, times in UTC). A CDR exists
 * only once Asterisk has destroyed the channel, so every CDR whose call is still "live" here
 * is a call whose hangup report never arrived: it is finished now (slots released, logged,
 * billed). A CDR of CapConduit's dialplan with no call log at all is logged too. Both go
 * through CallEndService.finish, so nothing is counted twice.
 */
export function createReconcileService(deps: {
  db: Db;
  clock: Clock;
  callEnd: CallEndService;
  /** How far back to look at CDRs. */
  lookbackMs?: number;
  /** CDRs younger than this are left to the hangup handler, which normally arrives first. */
  settleMs?: number;
}) {
  const lookback = deps.lookbackMs ?? 24 * 3600_000;
  const settle = deps.settleMs ?? 10_000;

  async function pending(limit: number): Promise<CdrCall[]> {
    const now = deps.clock.now().getTime();
    return many<CdrCall>(
      deps.db,
      `SELECT c.uniqueid,
              min(c.start) AT TIME ZONE 'UTC' AS started,
              max(c."end") AT TIME ZONE 'UTC' AS ended,
              bool_or(c.disposition = 'ANSWERED') AS answered,
              max(CASE WHEN c.disposition = 'ANSWERED' THEN c.billsec END) AS billsec,
              max(c.duration) AS duration,
              (array_agg(c.disposition ORDER BY c."end" DESC NULLS LAST))[1] AS disposition,
              (array_agg(c.dst ORDER BY c.start))[1] AS dst,
              (array_agg(c.src ORDER BY c.start))[1] AS src
         FROM cdr c
        WHERE c."end" >= ($1::timestamptz AT TIME ZONE 'UTC') AND c."end" < ($2::timestamptz AT TIME ZONE 'UTC')
          AND c.uniqueid IS NOT NULL
          AND (EXISTS (SELECT 1 FROM live_calls l WHERE l.uniqueid = c.uniqueid)
               OR (c.dcontext LIKE 'capconduit-%' AND NOT EXISTS (SELECT 1 FROM call_logs g WHERE g.uniqueid = c.uniqueid)))
        GROUP BY c.uniqueid
        ORDER BY max(c."end")
        LIMIT $3`,
      [new Date(now - lookback), new Date(now - settle), limit],
    );
  }

  /** Finishes every call Asterisk has ended but CapConduit has not logged; returns how many. */
  async function run(limit = 500): Promise<number> {
    let n = 0;
    for (const c of await pending(limit)) {
      const r = await deps.callEnd.finish({
        uniqueid: c.uniqueid,
        dialStatus: dialStatusFromDisposition(c.disposition, c.answered),
        billsec: c.billsec ?? 0,
        duration: c.duration ?? undefined,
        did: c.dst ?? undefined,
        callerId: c.src ?? undefined,
        startedAt: c.started ?? undefined,
        endedAt: c.ended ?? undefined,
        source: 'reconciled',
      });
      if (r.status === 'logged') n++;
    }
    return n;
  }

  return { run };
}

export type ReconcileService = ReturnType<typeof createReconcileService>;
