/**
 * The pure part of the routing decision (SPEC "The routing decision", steps 1–3 and 5):
 * what makes a call rejectable, which links are candidates, and in what order they are tried.
 * No I/O: the service feeds it a snapshot and a clock; tests feed it anything.
 */
import { isOpen, type BusinessHours } from '../shared/hours.js';

export type Strategy = 'priority' | 'round_robin' | 'weighted';

/** Why a call is turned away before or after trying links. */
export type RejectReason =
  | 'unknown_did'
  | 'did_not_in_campaign'
  | 'campaign_inactive'
  | 'seller_inactive'
  | 'insufficient_balance'
  | 'closed'
  | 'campaign_cap_reached'
  | 'no_candidates'
  | 'all_candidates_capped'
  /** The campaign's or every open link's caller filter refuses this caller. */
  | 'caller_blocked'
  /** A repeat caller, and the campaign (or every open buyer) takes none. */
  | 'duplicate_caller'
  | 'attempts_exhausted'
  | 'no_more_candidates'
  /** A late request about a call that has ended. */
  | 'call_ended'
  /** A failover request for a call CapConduit has no record of. */
  | 'unknown_call'
  /** The dial ended with a status that calls for no other candidate (CANCEL, INVALIDARGS, …). */
  | 'dial_ended';

/** Why a link takes no call now whatever its counters say (step 2). */
export const UNAVAILABLE_REASONS = [
  'link_paused',
  'client_disabled',
  'client_closed',
  'link_schedule_closed',
  'client_auto_paused',
] as const;
export type UnavailableReason = (typeof UNAVAILABLE_REASONS)[number];

/** Why one link was passed over for this call. */
export type SkipReason =
  | UnavailableReason
  | 'cap_reached'
  | 'client_limit_reached'
  | 'failed_attempt'
  | 'caller_filter'
  | 'repeat_caller';

/** Dial outcomes after which the next candidate is tried (SPEC step 5). */
export const FAILOVER_STATUSES = ['BUSY', 'NOANSWER', 'CONGESTION', 'CHANUNAVAIL'] as const;
export type FailoverStatus = (typeof FAILOVER_STATUSES)[number];

export function isFailoverStatus(s: string): s is FailoverStatus {
  return (FAILOVER_STATUSES as readonly string[]).includes(s);
}

export interface CandidateLink {
  id: number;
  client_id: number;
  client_identifier: string;
  client_name: string;
  status: 'active' | 'paused';
  client_status: 'active' | 'disabled';
  forwarding_priority: number;
  weight: number;
  schedule: BusinessHours | null;
  client_timezone: string;
  client_hours: BusinessHours | null;
  min_billable_duration: number;
  payout: string;
  /** The client's pause after unanswered calls ends then (past: not paused). */
  client_paused_until?: string | Date | null;
}

export interface CampaignSnapshot {
  status: 'active' | 'paused' | 'archived';
  timezone: string;
  business_hours: BusinessHours | null;
}

/** Step 1 checks that need no counters; undefined when the call may proceed. */
export function precheck(
  c: { campaign: CampaignSnapshot; sellerStatus: string; balance: string; minimumBalance: string },
  at: Date,
): RejectReason | undefined {
  if (c.sellerStatus !== 'active') return 'seller_inactive';
  if (c.campaign.status !== 'active') return 'campaign_inactive';
  if (!decimalGreater(c.balance, c.minimumBalance)) return 'insufficient_balance';
  if (!isOpen(c.campaign.business_hours, c.campaign.timezone, at)) return 'closed';
  return undefined;
}

/** Step 2: why a link cannot take calls right now, from its own and its client's settings. */
export function unavailableReason(
  link: Pick<CandidateLink, 'status' | 'client_status' | 'client_hours' | 'client_timezone' | 'schedule'> & {
    client_paused_until?: Date | string | null;
  },
  campaignTz: string,
  at: Date,
): UnavailableReason | undefined {
  if (link.status !== 'active') return 'link_paused';
  if (link.client_status !== 'active') return 'client_disabled';
  if (link.client_paused_until && new Date(link.client_paused_until) > at) return 'client_auto_paused';
  if (!isOpen(link.client_hours, link.client_timezone, at)) return 'client_closed';
  if (!isOpen(link.schedule, campaignTz, at)) return 'link_schedule_closed';
  return undefined;
}

/**
 * Step 3: the order links are tried in. Links are grouped by forwarding_priority (lower
 * first); within a level, `priority` keeps id order, `round_robin` rotates by the campaign's
 * persistent counter, `weighted` draws a weighted random order (Efraimidis–Spirakis).
 * Lower levels are the failover.
 */
export function orderCandidates<T extends Pick<CandidateLink, 'id' | 'forwarding_priority' | 'weight'>>(
  links: readonly T[],
  strategy: Strategy,
  rrCounter: number,
  random: () => number,
): T[] {
  const levels = new Map<number, T[]>();
  for (const l of [...links].sort((a, b) => a.forwarding_priority - b.forwarding_priority || a.id - b.id)) {
    const level = levels.get(l.forwarding_priority) ?? [];
    level.push(l);
    levels.set(l.forwarding_priority, level);
  }
  return [...levels.values()].flatMap((level) => {
    switch (strategy) {
      case 'priority':
        return level;
      case 'round_robin': {
        const start = rrCounter % level.length;
        return [...level.slice(start), ...level.slice(0, start)];
      }
      case 'weighted':
        return level
          .map((l) => ({ l, key: Math.pow(random(), 1 / Math.max(1, l.weight)) }))
          .sort((a, b) => b.key - a.key)
          .map((x) => x.l);
    }
  });
}

/** Compares two decimal strings exactly (no floating point): a > b. */
export function decimalGreater(a: string, b: string): boolean {
  const scale = (s: string) => {
    const [w, f = ''] = s.replace('-', '').split('.');
    return { neg: s.startsWith('-'), v: BigInt(w! + f.padEnd(6, '0').slice(0, 6)) };
  };
  const x = scale(a);
  const y = scale(b);
  const xv = x.neg ? -x.v : x.v;
  const yv = y.neg ? -y.v : y.v;
  return xv > yv;
}

/** Why the campaign's conditional UPDATE refused a call, from the state it found. */
export function campaignRefusal(
  state: { status: string; seller_status: string; balance_ok: boolean } | undefined,
): RejectReason {
  if (state?.status !== 'active') return 'campaign_inactive';
  if (state.seller_status !== 'active') return 'seller_inactive';
  if (!state.balance_ok) return 'insufficient_balance';
  return 'campaign_cap_reached';
}
