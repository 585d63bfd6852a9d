/** What a routing request answers, and the rows a decision writes. */
import { holding } from './candidates.js';
import type { CandidateLink, RejectReason } from './routing.rules.js';
import type { RoutingContext, TraceEntry, Windows } from './routing.types.js';

export type RouteDecision =
  | { action: 'dial'; dial: string; timeout: number; linkId: number; clientId: number; attempt: number }
  | { action: 'reject'; reason: RejectReason };

export interface RouteRequest {
  uniqueid: string;
  did: string;
  callerId?: string | undefined;
  pbx?: string | undefined;
}

/** The dial string for a client's PJSIP endpoint. */
export const dialString = (clientIdentifier: string) => `PJSIP/${clientIdentifier}`;

export function dialDecision(
  link: Pick<CandidateLink, 'id' | 'client_id' | 'client_identifier'>,
  timeout: number,
  attempt: number,
): RouteDecision {
  return {
    action: 'dial',
    dial: dialString(link.client_identifier),
    timeout,
    linkId: link.id,
    clientId: link.client_id,
    attempt,
  };
}

/** The live row of a call that has just taken its campaign slot and its first link. */
export function newLiveRow(a: {
  req: RouteRequest;
  ctx: RoutingContext;
  campaign: Windows;
  plan: CandidateLink[];
  link: CandidateLink;
  trace: TraceEntry[];
  now: Date;
  maxSeconds: number;
}) {
  const { req, ctx, now } = a;
  return {
    uniqueid: req.uniqueid,
    status: 'dialing' as const,
    did: req.did,
    caller_id: req.callerId ?? null,
    did_id: ctx.did_id,
    campaign_id: ctx.campaign_id,
    seller_id: ctx.seller_id,
    timezone: ctx.timezone,
    dial_timeout: ctx.dial_timeout_seconds,
    max_attempts: ctx.max_attempts,
    rate_per_minute: ctx.billing_rate_per_minute,
    campaign_reserved: true,
    campaign_hour: a.campaign.hour,
    campaign_day: a.campaign.day,
    campaign_month: a.campaign.month,
    plan: a.plan.map((l) => l.id),
    ...holding(a.link, now),
    trace: a.trace,
    pbx: req.pbx ?? null,
    started_at: now,
    expires_at: new Date(now.getTime() + a.maxSeconds * 1000),
  };
}
