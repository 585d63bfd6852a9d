import type { Db } from '../db/db.js';
import type { Clock } from '../shared/clock.js';
import type { CallEndService } from './call-end.service.js';
import { STATUS_OF_DISPOSITION } from './dispositions.js';
import { createReconcileRepo, type CdrCall } from './reconcile.repo.js';

/** Asterisk CDR disposition → the DIALSTATUS CapConduit records. */
export function dialStatusFromDisposition(disposition: string | null, answered: boolean): string {
  if (answered) return 'ANSWER';
  return STATUS_OF_DISPOSITION[disposition ?? ''] ?? '';
}

/**
 * Reconciliation with Asterisk's own CDRs (written by cdr_pgsql, times in UTC). A CDR exists
 * only once Asterisk has destroyed the channel, so every CDR whose call is still open here is a
 * call whose hangup report never arrived: it is finished now through CallEndService.finish (slots
 * settled, logged, billed), the current attempt counting as dialled only when the CDR shows a Dial
 * to its endpoint. A CDR of the inbound dialplan with no call at all (CapConduit was down) is
 * logged as unrouted, with the dialled number the dialplan keeps as the CDR's dst.
 * One bad row never stops the others: it is logged and tried again after a pause (5 min), and
 * while it waits it takes no run's place.
 */
export function createReconcileService(deps: {
  db: Db;
  clock: Clock;
  callEnd: CallEndService;
  log?: { warn(obj: object, msg: string): void };
  /** How far back to look at CDRs. */
  lookbackMs?: number;
  /** CDRs younger than this are left to the hangup handler, which normally arrives first. */
  settleMs?: number;
}) {
  const lookback = deps.lookbackMs ?? 24 * 3600_000;
  const settle = deps.settleMs ?? 10_000;
  const repo = createReconcileRepo(deps.db);
  /** Rows that failed, by uniqueid: when to try them again. */
  const backoff = new Map<string, number>();

  async function apply(c: CdrCall): Promise<boolean> {
    if (c.open.length > 1) {
      deps.log?.warn(
        { uniqueid: c.uniqueid },
        'CDR without a PBX name matches calls of several PBXs; left to expiry',
      );
      return false;
    }
    const open = c.open[0];
    const dialStatus = dialStatusFromDisposition(c.disposition, c.answered);
    const r = await deps.callEnd.finish({
      pbx: open?.pbx ?? c.pbx ?? '',
      uniqueid: c.uniqueid,
      ...(open ? { callId: open.id } : {}),
      // The open call's current attempt was dialled only if the CDR shows a Dial to its endpoint.
      attemptId: open && open.endpoint !== null && open.endpoint === c.dialled ? open.attempt_id : null,
      dialStatus,
      billsec: c.billsec ?? 0,
      duration: c.duration ?? undefined,
      did: c.dst ?? undefined,
      callerId: c.src ?? undefined,
      startedAt: c.started ?? undefined,
      endedAt: c.ended ?? undefined,
      source: 'reconciled',
    });
    return r.status === 'logged';
  }

  /**
   * Finishes every call Asterisk has ended but CapConduit has not logged, trying at most `limit`
   * CDRs; returns how many it finished. CDRs that failed lately are skipped until their pause is
   * over; the query cannot know them, so it reads that many more rows: failing CDRs, oldest first,
   * never fill the page and hold back the ones after them.
   */
  async function run(limit = 500): Promise<number> {
    const now = deps.clock.now().getTime();
    for (const [key, until] of backoff) if (until <= now) backoff.delete(key);
    const rows = await repo.pending(new Date(now - lookback), new Date(now - settle), limit + backoff.size);
    let n = 0;
    let tried = 0;
    for (const c of rows) {
      if (tried >= limit) break;
      const key = `${c.pbx ?? ''}/${c.uniqueid}`;
      if (backoff.has(key)) continue;
      tried++;
      try {
        if (await apply(c)) n++;
        backoff.delete(key);
      } catch (err) {
        deps.log?.warn({ err, uniqueid: c.uniqueid }, 'could not reconcile a CDR; trying again later');
        backoff.set(key, now + 5 * 60_000);
      }
    }
    return n;
  }

  /**
   * PBXs that wrote CDRs for answered calls but none for a number of unanswered ones in the last
   * hour: their cdr.conf has `unanswered = no`, so calls rejected while CapConduit is unreachable
   * would leave no trace to reconcile.
   */
  async function pbxsWithoutUnansweredCdrs(): Promise<string[]> {
    const now = deps.clock.now().getTime();
    const rows = await repo.cdrCoverage(new Date(now - 3600_000), new Date(now - settle));
    const by = new Map<string, { answeredCdr: number; unanswered: number; unansweredCdr: number }>();
    for (const r of rows) {
      const s = by.get(r.pbx) ?? { answeredCdr: 0, unanswered: 0, unansweredCdr: 0 };
      if (r.answered && r.has_cdr) s.answeredCdr++;
      if (!r.answered) s.unanswered++;
      if (!r.answered && r.has_cdr) s.unansweredCdr++;
      by.set(r.pbx, s);
    }
    return [...by]
      .filter(([, s]) => s.answeredCdr > 0 && s.unanswered >= 5 && s.unansweredCdr === 0)
      .map(([p]) => p);
  }

  return { run, pbxsWithoutUnansweredCdrs };
}

export type ReconcileService = ReturnType<typeof createReconcileService>;
