import type { Db } from '../db/db.js';
import type { SettingsService } from '../settings/settings.service.js';
import type { Clock } from '../shared/clock.js';
import { normalisePhone } from '../shared/phone.js';
import { withRetry } from '../db/retry.js';
import { available, Duplicate, fullCaps, holding, reserveFirst } from './candidates.js';
import { dialDecision, dialString, newLiveRow, type RouteDecision, type RouteRequest } from './decisions.js';
import { createRoutingRepo } from './routing.repo.js';
import type { LiveCall, RoutingContext, TraceEntry } from './routing.types.js';
import {
  campaignRefusal,
  isFailoverStatus,
  orderCandidates,
  precheck,
  type RejectReason,
} from './routing.rules.js';

/**
 * The routing decision (SPEC steps 1–5): reject with a reason, or reserve the next candidate
 * link under every cap, counting calls in flight. Call state lives in `live_calls`, so any
 * process can take any request of a call.
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
  const repo = createRoutingRepo(db);

  /**
   * The DID's routing context, cached for `contextCacheMs`: it only orders and pre-filters
   * candidates. Everything that decides — statuses, balance, caps, limits — is checked again,
   * live, by the conditional UPDATEs that take the slots.
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

  function resume(live: LiveCall): RouteDecision {
    if (live.status === 'rejected' || live.link_id === null || live.client_id === null) {
      return { action: 'reject', reason: (live.reject_reason ?? 'no_more_candidates') as RejectReason };
    }
    const link = live.trace.findLast((t) => t.outcome === 'reserved' && t.link_id === live.link_id);
    return {
      action: 'dial',
      dial: dialString(link?.client ?? ''),
      timeout: live.dial_timeout,
      linkId: live.link_id,
      clientId: live.client_id,
      attempt: live.attempts.length + 1,
    };
  }

  async function reject(
    req: RouteRequest,
    now: Date,
    reason: RejectReason,
    trace: TraceEntry[],
    ctx?: RoutingContext,
  ) {
    trace.push({ at: now.toISOString(), step: 'route', outcome: 'rejected', reason });
    const maxSeconds = Number(await settings.value('calls.max_duration_seconds'));
    const inserted = await repo.insertLive({
      uniqueid: req.uniqueid,
      status: 'rejected',
      did: req.did,
      caller_id: req.callerId ?? null,
      did_id: ctx?.did_id ?? null,
      campaign_id: ctx?.campaign_id ?? null,
      seller_id: ctx?.seller_id ?? null,
      reject_reason: reason,
      trace,
      pbx: req.pbx ?? null,
      started_at: now,
      expires_at: new Date(now.getTime() + maxSeconds * 1000),
    });
    if (!inserted) return resumeExisting(req.uniqueid);
    return { action: 'reject', reason } as const;
  }

  async function resumeExisting(uniqueid: string): Promise<RouteDecision> {
    const live = await repo.getLive(uniqueid);
    return live ? resume(live) : { action: 'reject', reason: 'no_more_candidates' };
  }

  /**
   * Tries `candidates` in order inside `tx`; the first with room under its caps and its
   * client's limit is reserved. Each skip is written to `trace` with the cap that said no.
   */
  async function route(req: RouteRequest): Promise<RouteDecision> {
    // A repeated request for a call (a retried AGI) is detected when its live row already
    // exists; checking first would cost every call a round trip.
    const now = clock.now();
    const trace: TraceEntry[] = [];
    const number = normalisePhone(req.did, (deps.defaultRegion ?? 'US') as never);
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
    if (open.length === 0) return reject(req, now, 'no_candidates', trace, ctx);
    const maxSeconds = Number(await settings.value('calls.max_duration_seconds'));
    const campaignId = ctx.campaign_id;

    const outcome = await withRetry(() =>
      db.transaction(async (tx) => {
        const r = createRoutingRepo(tx);
        const attemptTrace: TraceEntry[] = [];
        const campaign = await r.takeCampaign(campaignId, ctx.timezone, now, minimumBalance);
        if (!campaign) {
          const state = await r.campaignState(campaignId, ctx.timezone, now, minimumBalance);
          return {
            kind: 'rejected' as const,
            reason: campaignRefusal(state),
            trace: attemptTrace,
            caps: fullCaps(state?.caps ?? []),
          };
        }
        const plan = orderCandidates(open, ctx.routing_strategy, campaign.rr, random);
        const got = await reserveFirst(
          tx,
          plan,
          ctx.timezone,
          now,
          attemptTrace,
          'route',
          (link, linkTrace) => ({
            kind: 'insert',
            row: newLiveRow({
              req,
              ctx,
              campaign,
              plan,
              link,
              trace: [...trace, ...linkTrace],
              now,
              maxSeconds,
            }),
          }),
        );
        if (!got) throw new NoCandidate(attemptTrace);
        return { kind: 'reserved' as const, link: got.link };
      }),
    ).catch((err: unknown) => {
      if (err instanceof Duplicate) return { kind: 'duplicate' as const };
      if (err instanceof NoCandidate) {
        return {
          kind: 'rejected' as const,
          reason: 'all_candidates_capped' as const,
          trace: err.trace,
          caps: [],
        };
      }
      throw err;
    });

    if (outcome.kind === 'duplicate') return resumeExisting(req.uniqueid);
    if (outcome.kind === 'rejected') {
      const entries =
        outcome.caps.length > 0
          ? [
              {
                at: now.toISOString(),
                step: 'route' as const,
                outcome: 'skipped' as const,
                reason: 'campaign_cap',
                caps: outcome.caps,
              },
            ]
          : [];
      return reject(req, now, outcome.reason, [...trace, ...outcome.trace, ...entries], ctx);
    }
    return dialDecision(outcome.link, ctx.dial_timeout_seconds, 1);
  }

  /**
   * After a failed dial (BUSY, NOANSWER, CONGESTION, CHANUNAVAIL): records the attempt and
   * releases its slot at once, then reserves the next candidate of the call's plan.
   */
  async function next(uniqueid: string, dialStatus: string): Promise<RouteDecision> {
    const status = dialStatus.trim().toUpperCase();
    const now = clock.now();
    const released = isFailoverStatus(status)
      ? await withRetry(() => repo.failAttempt(uniqueid, status, now))
      : undefined;
    if (released) return reserveNext(released, now);
    // Not dialling, or not a failover status: the call keeps what it has.
    return resumeExisting(uniqueid);
  }

  async function reserveNext(live: LiveCall, now: Date): Promise<RouteDecision> {
    const finish = async (reason: RejectReason, trace: TraceEntry[]) => {
      await repo.updateLive(
        live.uniqueid,
        {
          reject_reason: reason,
          trace: [...trace, { at: now.toISOString(), step: 'failover', outcome: 'rejected', reason }],
        },
        now,
      );
      return { action: 'reject', reason } as const;
    };
    if (live.attempts.length >= live.max_attempts) return finish('attempts_exhausted', live.trace);
    const tried = new Set(live.attempts.map((a) => a.link_id));
    const trace: TraceEntry[] = [...live.trace];
    const rest = available(
      await repo.links(live.plan.filter((id) => !tried.has(id))),
      live.timezone,
      now,
      trace,
      'failover',
    );
    const result = await withRetry(() =>
      db.transaction(async (tx) => {
        const attemptTrace = [...trace];
        const got = await reserveFirst(
          tx,
          rest,
          live.timezone,
          now,
          attemptTrace,
          'failover',
          (link, linkTrace) => ({
            kind: 'update',
            uniqueid: live.uniqueid,
            patch: { ...holding(link, now), trace: linkTrace },
          }),
        );
        if (!got) return { kind: 'none' as const, trace: attemptTrace };
        return { kind: 'reserved' as const, link: got.link };
      }),
    );
    if (result.kind === 'none') return finish('no_more_candidates', result.trace);
    return dialDecision(result.link, live.dial_timeout, live.attempts.length + 1);
  }

  /**
   * The PBX never received a dial decision (the connection broke while answering): it will
   * not dial, so the call's slots are given back now instead of at hangup or expiry, and the
   * call is forgotten so that the next CapConduit node the dialplan tries can route it afresh.
   */
  async function abandon(uniqueid: string): Promise<void> {
    await withRetry(() =>
      db.transaction(async (tx) => {
        const r = createRoutingRepo(tx);
        const live = await r.getLive(uniqueid, true);
        if (!live || live.status === 'rejected') return;
        if (live.campaign_reserved && live.campaign_id !== null) {
          const w = { hour: live.campaign_hour!, day: live.campaign_day!, month: live.campaign_month! };
          await r.releaseCampaign(live.campaign_id, w, false);
        }
        if (live.link_id !== null) {
          const w = { hour: live.link_hour!, day: live.link_day!, month: live.link_month! };
          await r.releaseLink(live.link_id, w, {
            converted: false,
            clientId: live.client_reserved ? live.client_id : null,
          });
        }
        // Forget the call entirely, so the dialplan's next CapConduit node can route it afresh.
        await r.takeLive(uniqueid);
      }),
    );
  }

  return { route, next, abandon };
}

class NoCandidate extends Error {
  constructor(readonly trace: TraceEntry[]) {
    super('no candidate had room');
  }
}

export function secondsBetween(a: Date, b: Date): number {
  return Math.max(0, Math.round((b.getTime() - a.getTime()) / 1000));
}

export type RoutingService = ReturnType<typeof createRoutingService>;
