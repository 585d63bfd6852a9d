import type { Db } from '../db/db.js';
import type { CallRef } from '../routing/decisions.js';
import type { SettingsService } from '../settings/settings.service.js';
import type { Clock } from '../shared/clock.js';
import { AppError, conflict } from '../shared/errors.js';
import { callNumber, cleanText } from '../shared/phone.js';
import type { CallEndJournal } from './call-end.journal.js';
import type { EndMode } from './call-end.sql.js';
import { createCallsRepo, type CallKey } from './calls.repo.js';
import { parseUniqueid } from './uniqueid.js';

export type CallSource = 'agi' | 'http' | 'reconciled' | 'expired';

/** Why a call ended without its own hangup report deciding it. */
export type ReleaseReason = 'max_duration' | 'pbx_restarted' | 'channel_gone' | 'operator';

/** What the PBX (or reconciliation) knows when a call ends. */
export interface CallEndReport extends CallRef {
  /**
   * The attempt the PBX dialled last (the dialplan's CC_ATTEMPT); null when it received none;
   * undefined from a dialplan of an earlier version, which named none (taken as the current one).
   */
  attemptId?: number | null | undefined;
  /** DIALSTATUS of the last Dial ('' when Dial never ran). */
  dialStatus?: string | undefined;
  /** Seconds the answered call lasted (Dial's ANSWEREDTIME, else CDR(billsec)). */
  billsec?: number | undefined;
  duration?: number | undefined;
  hangupCause?: number | undefined;
  /** The PBX took its fallback (CapConduit unreachable or undecided): DIALSTATUS is not an attempt's. */
  fallback?: boolean | undefined;
  /** Why the PBX had no decision (its CC_REASON), for a call CapConduit never routed. */
  reason?: string | undefined;
  source: CallSource;
  /** For calls CapConduit never routed (it was down, or the PBX skipped it). */
  did?: string | undefined;
  callerId?: string | undefined;
  startedAt?: Date | undefined;
  endedAt?: Date | undefined;
}

export type CallEndResult = { status: 'logged' | 'duplicate'; callId: number | undefined };

const MAX_SECONDS = 864_000;

/** A figure from a PBX: a whole number of seconds in range, or nothing (never NaN, never 1e40). */
export function seconds(v: number | undefined): number | undefined {
  if (v === undefined || !Number.isFinite(v) || v < 0 || v > MAX_SECONDS) return undefined;
  return Math.round(v);
}

/** When a call began: its uniqueid's epoch second when it has one, else its end less its duration. */
function startOf(report: CallEndReport, ended: Date, duration: number | undefined): Date {
  const uid = parseUniqueid(report.uniqueid);
  if (uid && Math.abs(uid.epoch * 1000 - ended.getTime()) < 2 * 86_400_000) return new Date(uid.epoch * 1000);
  return new Date(ended.getTime() - (duration ?? 0) * 1000);
}

const DETAIL: Record<ReleaseReason, string> = {
  max_duration: 'no hangup report arrived before the call expired',
  pbx_restarted: 'released: its PBX restarted, so the channel is gone',
  channel_gone: 'released: its PBX no longer has the channel',
  operator: 'released by an operator',
};

/**
 * Call end, once (SPEC step 6): one statement settles the call's current attempt and every slot it
 * holds, finishes the call, charges the seller and raises notices (call-end.sql.ts). A repeated
 * report changes nothing; a report after an expiry replaces it. Calls CapConduit never routed are
 * logged from the report. Expiry and releases go through the same statement.
 */
export function createCallEndService(deps: {
  db: Db;
  clock: Clock;
  settings: SettingsService;
  defaultRegion?: string;
  log?: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
  /** Where call ends go while PostgreSQL cannot take them. */
  journal?: CallEndJournal;
}) {
  const { db, clock, settings } = deps;
  const repo = createCallsRepo(db);
  const region = (deps.defaultRegion ?? 'US') as never;

  async function billing() {
    return {
      defaultRate: String(await settings.value('billing.rate_per_minute')),
      increment: Number(await settings.value('billing.increment_seconds')),
      lowThreshold: String(await settings.value('balance.low_threshold')),
    };
  }

  async function end(
    report: CallEndReport,
    mode: EndMode,
    reason: ReleaseReason | 'hangup',
  ): Promise<{ callId: number | null; changed: boolean }> {
    const status = cleanText(report.dialStatus ?? '', 20).toUpperCase();
    const row = await repo.endCall({
      pbx: report.pbx,
      uniqueid: report.uniqueid,
      callId: report.callId ?? null,
      attempt: report.attemptId ?? null,
      legacy: report.attemptId === undefined && report.callId === undefined,
      status,
      billsec: seconds(report.billsec) ?? 0,
      duration: seconds(report.duration) ?? null,
      cause:
        report.hangupCause !== undefined && report.hangupCause >= 0 && report.hangupCause <= 1000
          ? Math.round(report.hangupCause)
          : null,
      endedAt: report.endedAt ?? clock.now(),
      source: report.source,
      fallback: report.fallback ?? false,
      mode,
      endReason: reason,
      detail:
        reason === 'hangup'
          ? `DIALSTATUS=${status || '(unset)'}${report.fallback ? '; the PBX took its fallback' : ''}`
          : DETAIL[reason],
      ...(await billing()),
    });
    if (row.call_id !== null && !row.fresh)
      throw new Error(`call ${row.call_id} kept changing under its end report`);
    return { callId: row.call_id, changed: row.changed };
  }

  /** Logs a call CapConduit never routed; undefined when a call with its key appeared meanwhile. */
  async function unrouted(report: CallEndReport): Promise<CallEndResult | undefined> {
    const ended = report.endedAt ?? clock.now();
    const duration = seconds(report.duration);
    const did = callNumber(report.did, region);
    const caller = callNumber(report.callerId, region);
    const status = cleanText(report.dialStatus ?? '', 20).toUpperCase();
    const id = await repo.unrouted({
      pbx: report.pbx,
      uniqueid: report.uniqueid,
      did: did?.value ?? null,
      didRaw: did?.raw ?? null,
      caller: caller?.value ?? null,
      callerRaw: caller?.raw ?? null,
      status,
      billsec: status === 'ANSWER' ? (seconds(report.billsec) ?? 0) : 0,
      duration: duration ?? null,
      cause: report.hangupCause ?? null,
      startedAt: report.startedAt ?? startOf(report, ended, duration),
      endedAt: ended,
      source: report.source,
      reason: cleanText(report.reason ?? '', 40) || 'capconduit_unreachable',
      detail: `not routed by CapConduit${report.fallback ? '; the PBX took its fallback' : ''}`,
    });
    return id === null ? undefined : { status: 'logged', callId: id };
  }

  /** The end of a call as its PBX (or a CDR) reports it: logged and billed once. */
  async function finish(report: CallEndReport): Promise<CallEndResult> {
    for (let i = 0; i < 3; i++) {
      const r = await end(report, 'hangup', 'hangup');
      if (r.callId !== null) return { status: r.changed ? 'logged' : 'duplicate', callId: r.callId };
      if (report.source === 'http' && !report.did) {
        throw new AppError(
          'not_found',
          `no call ${report.uniqueid} from PBX ${report.pbx} is known; to log a call CapConduit never routed, give its did`,
        );
      }
      const logged = await unrouted(report);
      if (logged) return logged;
      // The call is known by its PBX and uniqueid, but not as the call_id the report names:
      // asking again cannot change that (a route answer names the call it created), and neither
      // can the journal — over FastAGI too, a hangup that contradicts the call it names is refused
      // (the dialplan then asks the next node, which refuses it as well), never journaled.
      if (report.callId !== undefined) {
        throw conflict(`call_id ${report.callId} is not the call ${report.uniqueid} from PBX ${report.pbx}`);
      }
    }
    throw new Error(`call ${report.pbx}/${report.uniqueid} could not be found nor logged`);
  }

  /**
   * A call end from the PBX, never lost: written at once, or — when that fails (PostgreSQL away) —
   * kept in the local journal and written when `replayJournal` next succeeds. Rejects only when
   * neither could be done, so the PBX tries another node.
   */
  async function record(
    report: CallEndReport,
  ): Promise<CallEndResult | { status: 'journaled'; callId: undefined }> {
    // The end is when the PBX reported it, also when it is written later from the journal.
    const stamped = { ...report, endedAt: report.endedAt ?? clock.now() };
    try {
      return await finish(stamped);
    } catch (err) {
      if (!deps.journal || err instanceof AppError) throw err;
      await deps.journal.append(stamped);
      deps.log?.warn(
        { err, pbx: report.pbx, uniqueid: report.uniqueid },
        'call end journaled: the database did not take it',
      );
      return { status: 'journaled', callId: undefined };
    }
  }

  /** Writes the journaled call ends (see call-end.journal.ts); returns how many. */
  function replayJournal(): Promise<number> {
    return deps.journal ? deps.journal.replay(finish) : Promise.resolve(0);
  }

  /** Ends an open call without a report from its PBX, releasing what it holds. */
  async function release(call: CallKey, reason: ReleaseReason): Promise<boolean> {
    const mode: EndMode = reason === 'max_duration' ? 'expire' : 'release';
    const source: CallSource = 'expired';
    const r = await end(
      { pbx: call.pbx, uniqueid: call.uniqueid, callId: call.id, attemptId: null, source },
      mode,
      reason,
    );
    return r.changed;
  }

  /**
   * Releases `calls` one by one; one that fails is logged and its expiry pushed back, so it can
   * never hold up the rest. Returns how many were released.
   */
  async function releaseAll(calls: CallKey[], reason: ReleaseReason): Promise<number> {
    let n = 0;
    for (const call of calls) {
      try {
        if (await release(call, reason)) n++;
      } catch (err) {
        deps.log?.warn({ err, call: call.id, reason }, 'could not release a call; trying again later');
        await repo.postpone(call.id, new Date(clock.now().getTime() + 60_000)).catch(() => undefined);
      }
    }
    return n;
  }

  /** Finishes calls whose hangup never arrived by their expiry. */
  async function expire(limit = 100): Promise<number> {
    return releaseAll(await repo.due(clock.now(), limit), 'max_duration');
  }

  /** Releases the open calls of PBXs that restarted (their channels are gone). */
  async function reapRestarted(): Promise<number> {
    return releaseAll(await repo.restarted(), 'pbx_restarted');
  }

  /**
   * Given the channels a PBX has now (its uniqueids, as ARI lists them at `asOf`), releases its
   * open calls that began before `asOf` and are not among them.
   */
  async function reconcileChannels(pbx: string, live: ReadonlySet<string>, asOf: Date): Promise<number> {
    const open = await repo.openOf(pbx, new Date(asOf.getTime() - 10_000));
    return releaseAll(
      open.filter((c) => !live.has(c.uniqueid)),
      'channel_gone',
    );
  }

  return { finish, record, replayJournal, expire, reapRestarted, reconcileChannels, release };
}

export type CallEndService = ReturnType<typeof createCallEndService>;
