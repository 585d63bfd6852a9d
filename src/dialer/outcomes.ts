/**
 * How a dialer call went and what becomes of its lead (pure; docs/dialer.md, "Outcomes and
 * retries"). A call that reached a person leaves its lead `answered` until the agent's
 * disposition; any other outcome schedules the next attempt by the campaign's retry policy, or
 * ends the lead when its attempts, or the attempts allowed for that outcome, are used up.
 */

export const RETRY_OUTCOMES = ['busy', 'no_answer', 'machine', 'failed', 'abandoned'] as const;
export type RetryOutcome = (typeof RETRY_OUTCOMES)[number];
/** `not_dialed`: the call never left CapConduit (no caller ID, the PBX refused): the attempt does not count. */
export type DialOutcome = 'human' | RetryOutcome | 'not_dialed';

export type RetryPolicy = Partial<Record<RetryOutcome, { delay_minutes: number; max: number }>>;

export const DEFAULT_RETRY_POLICY: Required<RetryPolicy> = {
  busy: { delay_minutes: 15, max: 3 },
  no_answer: { delay_minutes: 60, max: 3 },
  machine: { delay_minutes: 240, max: 2 },
  failed: { delay_minutes: 30, max: 2 },
  abandoned: { delay_minutes: 30, max: 2 },
};

/**
 * The outcome of a dialer call from how it ended: the outcome set while it was live (a person,
 * a machine, an abandon) wins; otherwise the customer leg's end cause (callcontrol's
 * `customer_<reason>`, src/callcontrol/causes.ts).
 */
export function outcomeOfEnd(set: string | null, cause: string | null): DialOutcome {
  if (set === 'human' || set === 'machine' || set === 'abandoned' || set === 'not_dialed') return set;
  if (set === 'hung_up') return 'no_answer';
  switch (cause) {
    case 'customer_busy':
      return 'busy';
    case 'customer_no_answer':
    case 'customer_cancelled': // the ring timed out
      return 'no_answer';
    case 'customer_hung_up':
      // Hung up after answering but before machine detection or an agent: nobody talked.
      return 'no_answer';
    default:
      return 'failed';
  }
}

export type LeadNext =
  | { state: 'answered'; nextAttemptAt: null }
  | { state: 'retry'; nextAttemptAt: Date }
  | { state: 'done'; nextAttemptAt: null; why: string };

/** The lead after a call with `outcome` (its attempt already counted by the claim). */
export function leadAfter(
  outcome: Exclude<DialOutcome, 'not_dialed'>,
  lead: { attempts: number; outcome_counts: Record<string, number> },
  campaign: { max_attempts: number; retry_policy: RetryPolicy },
  now: Date,
): { next: LeadNext; counts: Record<string, number> } {
  const counts = { ...lead.outcome_counts, [outcome]: (lead.outcome_counts[outcome] ?? 0) + 1 };
  if (outcome === 'human') return { next: { state: 'answered', nextAttemptAt: null }, counts };
  const rule = { ...DEFAULT_RETRY_POLICY[outcome], ...campaign.retry_policy[outcome] };
  if (lead.attempts >= campaign.max_attempts)
    return { next: { state: 'done', nextAttemptAt: null, why: 'max_attempts' }, counts };
  if (counts[outcome]! > rule.max)
    return { next: { state: 'done', nextAttemptAt: null, why: `max_${outcome}` }, counts };
  return {
    next: { state: 'retry', nextAttemptAt: new Date(now.getTime() + rule.delay_minutes * 60_000) },
    counts,
  };
}
