import { noticeLowBalance } from '../billing/balances.service.js';
import { chargeFor } from '../billing/charges.js';
import type { Db, Queryable } from '../db/db.js';
import { withRetry } from '../db/retry.js';
import { createRoutingRepo } from '../routing/routing.repo.js';
import type { AttemptRecord, LiveCall, TraceEntry } from '../routing/routing.types.js';
import { secondsBetween } from '../routing/routing.service.js';
import type { SettingsService } from '../settings/settings.service.js';
import type { Clock } from '../shared/clock.js';
import { noticeCampaignCaps, noticeLinkCaps } from './cap-notices.js';
import { createCallsRepo, type CallSource, type NewCallLog } from './calls.repo.js';

/** What the PBX (or reconciliation) knows when a call ends. */
export interface CallEndReport {
  uniqueid: string;
  /** DIALSTATUS of the last Dial ('' when Dial never ran). */
  dialStatus?: string | undefined;
  /** Seconds the answered call lasted (Dial's ANSWEREDTIME, else CDR(billsec)). */
  billsec?: number | undefined;
  duration?: number | undefined;
  hangupCause?: number | undefined;
  source: CallSource;
  /** For calls CapConduit never routed (it was down, or the PBX skipped it). */
  did?: string | undefined;
  callerId?: string | undefined;
  startedAt?: Date | undefined;
  endedAt?: Date | undefined;
  pbx?: string | undefined;
}

export type CallEndResult = { status: 'logged' | 'duplicate'; callId: number | undefined };

/** Asterisk CDR-style disposition for a call's last dial status. */
export function dispositionFor(dialStatus: string, answered: boolean, dialled: boolean): string {
  if (answered) return 'ANSWERED';
  if (!dialled) return 'NOT DIALED';
  switch (dialStatus) {
    case 'BUSY':
      return 'BUSY';
    case 'NOANSWER':
    case 'CANCEL':
      return 'NO ANSWER';
    case 'CONGESTION':
      return 'CONGESTION';
    case 'CHANUNAVAIL':
      return 'FAILED';
    default:
      return 'UNKNOWN';
  }
}

/**
 * Call end, once (SPEC step 6): in one transaction the live call is claimed, its slots move
 * from "in flight" to counted (or are given back), the call log and every attempt are written,
 * the seller is charged, and notifications are raised. A repeated report changes nothing.
 */
export function createCallEndService(deps: { db: Db; clock: Clock; settings: SettingsService }) {
  const { db, clock, settings } = deps;

  async function finish(report: CallEndReport): Promise<CallEndResult> {
    const billing = {
      rate: String(await settings.value('billing.rate_per_minute')),
      increment: Number(await settings.value('billing.increment_seconds')),
      lowThreshold: String(await settings.value('balance.low_threshold')),
    };
    return withRetry(() =>
      db.transaction(async (tx) => {
        const live = await createRoutingRepo(tx).takeLive(report.uniqueid);
        if (!live) return logUnseen(tx, report);
        return logLive(tx, live, report, billing);
      }),
    );
  }

  async function logUnseen(tx: Queryable, report: CallEndReport): Promise<CallEndResult> {
    const calls = createCallsRepo(tx);
    const existing = await calls.exists(report.uniqueid);
    if (existing) return { status: 'duplicate', callId: existing.id };
    const ended = report.endedAt ?? clock.now();
    const id = await calls.insert(
      {
        uniqueid: report.uniqueid,
        did: report.did ?? null,
        caller_id: report.callerId ?? null,
        did_id: null,
        campaign_id: null,
        seller_id: null,
        link_id: null,
        client_id: null,
        started_at: report.startedAt ?? new Date(ended.getTime() - (report.duration ?? 0) * 1000),
        answered_at: null,
        ended_at: ended,
        duration: report.duration === undefined ? null : Math.max(0, report.duration),
        billsec: Math.max(0, report.billsec ?? 0),
        disposition:
          report.dialStatus === 'ANSWER'
            ? 'ANSWERED'
            : dispositionFor(report.dialStatus ?? '', false, !!report.dialStatus),
        dial_status: report.dialStatus || null,
        hangup_cause: report.hangupCause ?? null,
        routing_status: 'unrouted',
        reject_reason: null,
        billable: false,
        cost: '0.0000',
        payout: '0.0000',
        trace: [
          { at: ended.toISOString(), step: 'end', outcome: 'ended', detail: 'not routed by CapConduit' },
        ],
        source: report.source,
        pbx: report.pbx ?? null,
      },
      [],
    );
    return { status: 'logged', callId: id };
  }

  async function logLive(
    tx: Queryable,
    live: LiveCall,
    report: CallEndReport,
    billing: { rate: string; increment: number; lowThreshold: string },
  ): Promise<CallEndResult> {
    const now = report.endedAt ?? clock.now();
    const expired = report.source === 'expired';
    const dialStatus = (report.dialStatus ?? '').trim().toUpperCase();
    const dialling = live.link_id !== null && live.client_id !== null;
    const answered = dialling && dialStatus === 'ANSWER';
    const billsec = answered ? Math.max(0, Math.round(report.billsec ?? 0)) : 0;
    const converted = answered && billsec >= (live.link_min_billable ?? 0);
    const attempts: AttemptRecord[] = [...live.attempts];
    const trace: TraceEntry[] = [...live.trace];
    if (dialling) {
      attempts.push({
        link_id: live.link_id!,
        client_id: live.client_id!,
        dial_status: dialStatus || (expired ? 'UNKNOWN' : 'CANCEL'),
        ring_seconds: Math.max(0, secondsBetween(live.attempt_started_at ?? live.started_at, now) - billsec),
        started_at: (live.attempt_started_at ?? live.started_at).toISOString(),
        ended_at: now.toISOString(),
      });
    }
    trace.push({
      at: now.toISOString(),
      step: 'end',
      outcome: answered ? 'answered' : 'ended',
      ...(answered ? { link_id: live.link_id!, client_id: live.client_id! } : {}),
      detail: expired
        ? 'no hangup report arrived before the call expired'
        : `DIALSTATUS=${dialStatus || '(unset)'}`,
    });

    const cost =
      billsec > 0 ? chargeFor(billsec, billing.increment, live.rate_per_minute ?? billing.rate) : '0.0000';
    const log: NewCallLog = {
      uniqueid: live.uniqueid,
      did: live.did,
      caller_id: live.caller_id,
      did_id: live.did_id,
      campaign_id: live.campaign_id,
      seller_id: live.seller_id,
      link_id: answered ? live.link_id : null,
      client_id: answered ? live.client_id : null,
      started_at: live.started_at,
      answered_at: answered ? new Date(now.getTime() - billsec * 1000) : null,
      ended_at: now,
      duration: Math.max(0, report.duration ?? secondsBetween(live.started_at, now)),
      billsec,
      disposition: dispositionFor(dialStatus, answered, attempts.length > 0),
      dial_status: dialStatus || null,
      hangup_cause: report.hangupCause ?? null,
      routing_status: expired ? 'expired' : live.status === 'rejected' ? 'rejected' : 'routed',
      reject_reason: live.reject_reason,
      billable: converted,
      cost,
      payout: converted ? (live.link_payout ?? '0') : '0.0000',
      trace,
      source: report.source,
      pbx: live.pbx ?? report.pbx ?? null,
    };
    // One statement: campaign, link and client slots released, log and attempts written.
    const calls = createCallsRepo(tx);
    const charged = live.seller_id !== null && cost !== '0.0000';
    const ended = await calls.endCall(log, attempts, {
      converted,
      charge: charged
        ? {
            entry: {
              sellerId: live.seller_id!,
              kind: 'call_charge',
              amount: `-${cost}`,
              note: `${billsec}s call to ${live.did}`,
              reference: live.uniqueid,
              createdBy: null,
            },
            lowThreshold: billing.lowThreshold,
          }
        : undefined,
      campaign:
        live.campaign_reserved && live.campaign_id !== null
          ? {
              id: live.campaign_id,
              windows: { hour: live.campaign_hour!, day: live.campaign_day!, month: live.campaign_month! },
            }
          : undefined,
      link: dialling
        ? {
            id: live.link_id!,
            windows: { hour: live.link_hour!, day: live.link_day!, month: live.link_month! },
            clientId: live.client_reserved ? live.client_id : null,
          }
        : undefined,
    });
    const callId = ended.id;
    if (converted && ended.campaign_full.length > 0) await noticeCampaignCaps(tx, live, ended.campaign_full);
    if (converted && ended.link_after) await noticeLinkCaps(tx, live, ended.link_after);
    if (ended.crossed_low && ended.balance_after !== undefined) {
      await noticeLowBalance(tx, live.seller_id!, ended.balance_after, billing.lowThreshold);
    }
    return { status: 'logged', callId };
  }

  /** Finishes calls whose hangup never arrived, releasing what they held. */
  async function expire(limit = 100): Promise<number> {
    const due = await createRoutingRepo(db).expired(clock.now(), limit);
    let n = 0;
    for (const { uniqueid } of due) {
      const r = await finish({ uniqueid, source: 'expired' });
      if (r.status === 'logged') n++;
    }
    return n;
  }

  return { finish, expire };
}

export type CallEndService = ReturnType<typeof createCallEndService>;
