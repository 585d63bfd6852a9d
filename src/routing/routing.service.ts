import { parseUniqueid } from '../calls/uniqueid.js';
import type { Db } from '../db/db.js';
import type { SettingsService } from '../settings/settings.service.js';
import type { Clock } from '../shared/clock.js';
import { callNumber, normalisePhone } from '../shared/phone.js';
import { applyCallerRules, repeatLookback } from './callers.js';
import { available } from './candidates.js';
import {
  decisionOf,
  dialString,
  recordingOf,
  type CallRef,
  type NextRequest,
  type RouteDecision,
  type RouteRequest,
} from './decisions.js';
import { createRoutingRepo, type RouteRow } from './routing.repo.js';
import type { RoutingContext, TraceEntry } from './routing.types.js';
import { isFailoverStatus, orderCandidates, precheck, type RejectReason } from './routing.rules.js';

/**
 * Seconds a call may outlive its maximum duration before it expires: Asterisk ends the call at
 * the maximum (TIMEOUT(absolute), set from the route answer), and its hangup report needs a
 * moment to arrive.
 */
export const EXPIRY_GRACE_SECONDS = 300;

/**
 * The routing decision (SPEC steps 1–5): reject with a reason, or reserve the next candidate
 * link under every cap, counting calls in flight. The call is a state machine in PostgreSQL
 * (src/calls/call-state.ts); each request is one statement, so any process can take any request
 * of any call, and a repeated or late request reads the decision already made instead of making
 * another.
 */
export function createRoutingService(deps: {
  db: Db;
  clock: Clock;
  settings: SettingsService;
  random?: () => number;
  defaultRegion?: string;
  /** How long a DID's routing context may be reused (ms); 0 = read it for every call. */
  contextCacheMs?: number;
}) {
  const { db, clock, settings } = deps;
  const random = deps.random ?? Math.random;
  const region = (deps.defaultRegion ?? 'US') as never;
  const repo = createRoutingRepo(db);

  /**
   * The DID's routing context, cached for `contextCacheMs`: it only orders and pre-filters
   * candidates. Everything that decides — statuses, balance, caps, limits — is checked again,
   * live, by the statement that takes the slots.
   */
  const cacheMs = deps.contextCacheMs ?? 0;
  const contexts = new Map<string, { at: number; ctx: RoutingContext | undefined }>();
  async function context(number: string): Promise<RoutingContext | undefined> {
    if (cacheMs <= 0) return repo.context(number);
    const now = Date.now();
    const hit = contexts.get(number);
    if (hit && now - hit.at < cacheMs) return hit.ctx;
    const ctx = await repo.context(number);
    if (contexts.size > 50_000) contexts.clear();
    contexts.set(number, { at: now, ctx });
    return ctx;
  }

  const maxSeconds = async () => Number(await settings.value('calls.max_duration_seconds'));

  /** The decision already made for a call (a repeated or late request). */
  async function existing(ref: CallRef): Promise<RouteDecision> {
    const row = await repo.decision(ref.pbx, ref.uniqueid);
    if (!row) return { action: 'reject', callId: undefined, reason: 'unknown_call' };
    return decisionOf(row, await maxSeconds());
  }

  /** The facts of a new call that every statement writing one takes. */
  function newCall(req: RouteRequest, now: Date, max: number, trace: TraceEntry[]) {
    const did = callNumber(req.did, region);
    const caller = req.callerId === undefined ? undefined : callNumber(req.callerId, region);
    const uid = parseUniqueid(req.uniqueid);
    return {
      pbx: req.pbx,
      uniqueid: req.uniqueid,
      uidEpoch: uid?.epoch ?? null,
      uidSeq: uid?.seq ?? null,
      now,
      did: did?.value ?? req.did,
      didRaw: did?.raw ?? req.did,
      caller: caller?.value ?? null,
      callerRaw: caller?.raw ?? null,
      maxSeconds: max + EXPIRY_GRACE_SECONDS,
      trace: JSON.stringify(trace),
    };
  }

  async function reject(
    req: RouteRequest,
    now: Date,
    reason: RejectReason,
    trace: TraceEntry[],
    ctx?: RoutingContext,
  ): Promise<RouteDecision> {
    const callId = await repo.reject({
      ...newCall(req, now, await maxSeconds(), trace),
      reason,
      didId: ctx?.did_id ?? null,
      campaign: ctx?.campaign_id ?? null,
      seller: ctx?.seller_id ?? null,
    });
    if (callId === null) return existing(req);
    return { action: 'reject', callId, reason };
  }

  /**
   * The caller rules of the campaign and its open links (src/routing/callers.ts): filters, and
   * the repeat rule when one applies (the caller's earlier answered call is read only then).
   */
  async function callerRules(
    req: RouteRequest,
    ctx: RoutingContext,
    open: RoutingContext['links'],
    now: Date,
    trace: TraceEntry[],
  ) {
    const caller = req.callerId === undefined ? undefined : callNumber(req.callerId, region);
    const e164 = caller && caller.value.startsWith('+') ? caller.value : null;
    const rule = { window_seconds: ctx.duplicate_window_seconds, action: ctx.duplicate_action };
    const lookback = repeatLookback(rule, open);
    const earlier =
      e164 !== null && lookback > 0 && ctx.campaign_id !== null
        ? await repo.earlierAnswered(e164, ctx.campaign_id, new Date(now.getTime() - lookback * 1000), now)
        : undefined;
    return applyCallerRules({
      caller: e164,
      campaignFilter: ctx.caller_filter,
      rule,
      links: open,
      earlier,
      now,
      trace,
      step: 'route',
    });
  }

  /** The first request of a call: its DID's campaign, the checks of step 1, then one statement. */
  async function route(req: RouteRequest): Promise<RouteDecision> {
    const now = clock.now();
    const trace: TraceEntry[] = [];
    const number = normalisePhone(req.did, region);
    const ctx = 'error' in number ? undefined : await context(number.e164);
    if (!ctx || ctx.did_status !== 'assigned') return reject(req, now, 'unknown_did', trace, ctx);
    if (ctx.campaign_id === null || ctx.campaign_status === null)
      return reject(req, now, 'did_not_in_campaign', trace, ctx);
    const minimumBalance = String(await settings.value('balance.minimum'));
    const early = precheck(
      {
        campaign: { status: ctx.campaign_status, timezone: ctx.timezone, business_hours: ctx.business_hours },
        sellerStatus: ctx.seller_status ?? 'disabled',
        balance: ctx.balance ?? '0',
        minimumBalance,
      },
      now,
    );
    if (early) return reject(req, now, early, trace, ctx);
    const open = available(ctx.links, ctx.timezone, now, trace, 'route');
    const who = await callerRules(req, ctx, open, now, trace);
    if (who.reject) return reject(req, now, who.reject, trace, ctx);
    if (who.links.length === 0) return reject(req, now, 'no_candidates', trace, ctx);

    // Round robin rotates by the campaign's counter, which the statement reads from the locked row.
    const plan = orderCandidates(who.links, ctx.routing_strategy, 0, random);
    if (who.first !== null) {
      // the repeat caller's earlier buyer first, on a level of its own
      const i = plan.findIndex((l) => l.id === who.first);
      const top = Math.min(...plan.map((l) => l.forwarding_priority)) - 1;
      plan.unshift({ ...plan.splice(i, 1)[0]!, forwarding_priority: top });
    }
    const max = await maxSeconds();
    const row = await repo.route({
      ...newCall(req, now, max, trace),
      campaign: ctx.campaign_id,
      minimumBalance,
      links: plan.map((l) => l.id),
      levels: plan.map((l) => l.forwarding_priority),
      rotate: ctx.routing_strategy === 'round_robin',
      didId: ctx.did_id,
      unpaid: who.unpaid,
      repeatOf: who.repeatOf,
    });
    if (row.call_id === null) return existing(req);
    return routed(row, max);
  }

  function routed(row: RouteRow, max: number): RouteDecision {
    if (row.state === 'dialing') {
      return {
        action: 'dial',
        callId: row.call_id!,
        attemptId: row.attempt_id,
        dial: dialString(row.client_identifier!),
        timeout: row.dial_timeout!,
        maxSeconds: max,
        linkId: row.link_id!,
        clientId: row.client_id!,
        ...recordingOf(row.recording),
      };
    }
    return { action: 'reject', callId: row.call_id!, reason: row.reason as RejectReason };
  }

  /**
   * After a failed dial of the named attempt: with a failover status (BUSY, NOANSWER, CONGESTION,
   * CHANUNAVAIL) its slot is released and the next candidate reserved. A request about an attempt
   * that is no longer current (repeated, late) changes nothing and gets the decision that
   * followed it; any other status ends the dialling (never the same dial again).
   */
  async function next(req: NextRequest): Promise<RouteDecision> {
    const status = req.status.trim().toUpperCase().slice(0, 20);
    const failover = isFailoverStatus(status);
    const legacy = req.attemptId === undefined && req.callId === undefined;
    const row = await repo.next({
      pbx: req.pbx,
      uniqueid: req.uniqueid,
      callId: req.callId ?? null,
      attempt: req.attemptId ?? null,
      legacy,
      status,
      now: clock.now(),
      failover,
    });
    if (row.call_id === null) return { action: 'reject', callId: undefined, reason: 'unknown_call' };
    if (!row.fresh) throw new Error(`call ${row.call_id} kept changing under its failover request`);
    const named = legacy || row.attempt_id === req.attemptId;
    if (!row.changed && !failover && row.state === 'dialing' && named) {
      return { action: 'reject', callId: row.call_id, reason: 'dial_ended' };
    }
    return decisionOf({ ...row, call_id: row.call_id }, await maxSeconds());
  }

  return { route, next, existing };
}

export type RoutingService = ReturnType<typeof createRoutingService>;
