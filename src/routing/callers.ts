/**
 * Rules about who is calling (issue 16, items 3 and 4), pure: caller filters (accept or block by
 * area code or state, numbers and prefixes, anonymous callers) and repeat callers (an earlier call
 * from the same number to the same campaign, within a window, that a buyer answered). A campaign
 * sets them; a link may narrow the filter and override the repeat rule for its buyer. Every
 * refusal or change they make is written to the decision trace.
 */
import { areaCodeInfo, nanpInfo } from '../callerid/nanp.js';
import { AppError } from '../shared/errors.js';
import type { CandidateLink } from './routing.rules.js';
import type { TraceEntry } from './routing.types.js';

/** Who may call; an empty or missing list allows everyone. */
export interface CallerFilter {
  /** Only these area codes ('212') or states ('US-NY', or 'NY' for the US and Canada). */
  allow_areas?: string[];
  /** Never these area codes or states. */
  block_areas?: string[];
  /** Never these numbers (E.164) or prefixes ending in '*' ('+1900*'). */
  block_numbers?: string[];
  /** Refuse callers without a number (anonymous, withheld, unavailable). */
  block_anonymous?: boolean;
}

export const CAMPAIGN_REPEAT_ACTIONS = ['first_buyer', 'no_payout', 'reject'] as const;
export type CampaignRepeatAction = (typeof CAMPAIGN_REPEAT_ACTIONS)[number];
export const LINK_REPEAT_ACTIONS = ['pay', 'no_payout', 'reject'] as const;
export type LinkRepeatAction = (typeof LINK_REPEAT_ACTIONS)[number];

/** A campaign's repeat-caller rule; no window: none. */
export interface RepeatRule {
  window_seconds: number | null;
  action: CampaignRepeatAction;
}

/** A link's own settings about callers, over its campaign's. */
export interface LinkCallerRules {
  caller_filter: CallerFilter | null;
  duplicate_window_seconds: number | null;
  duplicate_action: LinkRepeatAction | null;
}

/** The caller's latest answered call to the campaign within the longest window that applies. */
export interface EarlierCall {
  id: number;
  started_at: Date;
  link_id: number;
  client_id: number;
}

/** The state key of a +1 number ("US-NY"), or undefined. */
function stateOf(e164: string): string | undefined {
  const info = nanpInfo(e164);
  return info ? `${info.country}-${info.region}` : undefined;
}

/** Whether `area` (an area code, 'US-NY' or 'NY') names the caller's area code or state. */
function inArea(area: string, code: string | undefined, state: string | undefined): boolean {
  const a = area.trim().toUpperCase();
  if (/^\d{3}$/.test(a)) return a === code;
  if (state === undefined) return false;
  return a.includes('-') ? a === state : a === state.slice(3);
}

/**
 * Why `filter` refuses the caller (E.164, or null when anonymous or not a number), in words for
 * the trace; undefined when it accepts.
 */
export function callerRefusal(
  filter: CallerFilter | null | undefined,
  caller: string | null,
): string | undefined {
  if (!filter) return undefined;
  if (caller === null || !caller.startsWith('+')) {
    return filter.block_anonymous ? 'anonymous callers are blocked' : undefined;
  }
  for (const n of filter.block_numbers ?? []) {
    const p = n.trim();
    if (p.endsWith('*') ? caller.startsWith(p.slice(0, -1)) : caller === p)
      return `caller ${caller} matches blocked ${p}`;
  }
  const info = nanpInfo(caller);
  const code = info?.areaCode;
  const state = stateOf(caller);
  const where = code ? `area code ${code}${state ? ` (${state})` : ''}` : 'a number outside North America';
  for (const a of filter.block_areas ?? [])
    if (inArea(a, code, state)) return `${where} is blocked (${a.trim()})`;
  const allow = filter.allow_areas ?? [];
  if (allow.length > 0 && !allow.some((a) => inArea(a, code, state)))
    return `${where} is not among the allowed areas`;
  return undefined;
}

/** Problems with a filter as typed by a person: unknown area codes or states, malformed numbers. */
export function filterProblems(filter: CallerFilter): string[] {
  const problems: string[] = [];
  for (const a of [...(filter.allow_areas ?? []), ...(filter.block_areas ?? [])]) {
    const t = a.trim().toUpperCase();
    if (/^\d{3}$/.test(t)) {
      if (!areaCodeInfo(t)) problems.push(`${a} is not a North American area code in service`);
    } else if (!/^([A-Z]{2}-)?[A-Z]{2}$/.test(t))
      problems.push(`"${a}" is neither an area code (212) nor a state (NY, US-NY)`);
  }
  for (const n of filter.block_numbers ?? []) {
    if (!/^\+\d{1,15}\*?$/.test(n.trim()) || n.trim().length < 3)
      problems.push(`"${n}" is neither an E.164 number (+12125550100) nor a prefix ending in * (+1900*)`);
  }
  return problems;
}

/**
 * A filter as saved: entries trimmed, upper-cased and without repeats, empty lists dropped, and
 * null when nothing is left; a 400 naming every problem. Undefined stays undefined (not given).
 */
export function checkedFilter(filter: CallerFilter | null | undefined): CallerFilter | null | undefined {
  if (filter === undefined || filter === null) return filter;
  const clean = (xs: string[] | undefined) => [
    ...new Set((xs ?? []).map((x) => x.trim().toUpperCase()).filter(Boolean)),
  ];
  const out: CallerFilter = {};
  const allow = clean(filter.allow_areas);
  const block = clean(filter.block_areas);
  const numbers = clean(filter.block_numbers);
  if (allow.length) out.allow_areas = allow;
  if (block.length) out.block_areas = block;
  if (numbers.length) out.block_numbers = numbers;
  if (filter.block_anonymous) out.block_anonymous = true;
  const problems = filterProblems(out);
  if (problems.length > 0)
    throw new AppError('validation_failed', `caller_filter: ${problems.join('; ')}`, {
      details: [{ path: '/caller_filter', message: problems.join('; ') }],
    });
  return Object.keys(out).length === 0 ? null : out;
}

/** The longest window any of the campaign's or its links' rules looks back, in seconds (0: none). */
export function repeatLookback(rule: RepeatRule, links: LinkCallerRules[]): number {
  return Math.max(0, rule.window_seconds ?? 0, ...links.map((l) => l.duplicate_window_seconds ?? 0));
}

export interface CallerVerdict {
  /** The links that may take the call, the campaign's first buyer first when that rule applies. */
  links: CandidateLink[];
  /** Links whose buyer pays nothing for this call (a repeat caller). */
  unpaid: number[];
  /** The earlier call this one repeats, for the campaign's own rule. */
  repeatOf: number | null;
  /** The link to try first (the buyer that answered the caller's earlier call). */
  first: number | null;
  /** Set when no link is left and the caller rules are why. */
  reject?: 'caller_blocked' | 'duplicate_caller';
}

/**
 * Applies the campaign's and its links' caller rules to the links open now. A repeat caller is
 * one whose earlier call to the campaign, within the window, a buyer answered. For each link:
 * its window and action, else the campaign's; `reject` passes the link over, `no_payout` lets it
 * take the call without a payout (the call does not convert), `pay` and `first_buyer` pay as
 * usual; `first_buyer` also tries the earlier call's link first.
 */
export function applyCallerRules(input: {
  caller: string | null;
  campaignFilter: CallerFilter | null;
  rule: RepeatRule;
  links: (CandidateLink & LinkCallerRules)[];
  earlier: EarlierCall | undefined;
  now: Date;
  trace: TraceEntry[];
  step: TraceEntry['step'];
}): CallerVerdict {
  const { now, trace, step, earlier } = input;
  const at = now.toISOString();
  const age = earlier ? (now.getTime() - earlier.started_at.getTime()) / 1000 : Infinity;
  const within = (w: number | null) => w !== null && age <= w;
  const ago = earlier ? `call ${earlier.id}, ${describeAge(age)} ago` : '';
  const refused = callerRefusal(input.campaignFilter, input.caller);
  if (refused) {
    trace.push({ at, step, outcome: 'rejected', reason: 'caller_blocked', detail: `campaign: ${refused}` });
    return { links: [], unpaid: [], repeatOf: null, first: null, reject: 'caller_blocked' };
  }
  const repeat = within(input.rule.window_seconds);
  if (repeat && input.rule.action === 'reject') {
    trace.push({
      at,
      step,
      outcome: 'rejected',
      reason: 'duplicate_caller',
      detail: `repeat caller (${ago})`,
    });
    return { links: [], unpaid: [], repeatOf: earlier!.id, first: null, reject: 'duplicate_caller' };
  }
  const unpaid: number[] = [];
  let filtered = 0;
  let repeats = 0;
  const kept = input.links.filter((l) => {
    const skip = (reason: string, detail: string) => {
      trace.push({
        at,
        step,
        outcome: 'skipped',
        link_id: l.id,
        client_id: l.client_id,
        client: l.client_identifier,
        reason,
        detail,
      });
      return false;
    };
    const no = callerRefusal(l.caller_filter, input.caller);
    if (no) {
      filtered += 1;
      return skip('caller_filter', no);
    }
    const window = l.duplicate_window_seconds ?? input.rule.window_seconds;
    if (!within(window)) return true;
    const action = l.duplicate_action ?? (input.rule.action === 'first_buyer' ? 'pay' : input.rule.action);
    if (action === 'reject') {
      repeats += 1;
      return skip('repeat_caller', `takes no repeat callers (${ago})`);
    }
    if (action === 'no_payout') unpaid.push(l.id);
    return true;
  });
  let first: number | null = null;
  if (repeat && input.rule.action === 'first_buyer' && kept.some((l) => l.id === earlier!.link_id)) {
    first = earlier!.link_id;
    kept.sort((a, b) => Number(b.id === first) - Number(a.id === first));
  }
  if (earlier && (repeat || unpaid.length > 0 || repeats > 0)) {
    const parts = [`repeat caller (${ago}, answered by link ${earlier.link_id})`];
    if (first !== null) parts.push(`its buyer is tried first`);
    if (unpaid.length > 0)
      parts.push(`no payout from link${unpaid.length > 1 ? 's' : ''} ${unpaid.join(', ')}`);
    trace.push({ at, step, outcome: 'noted', reason: 'repeat_caller', detail: parts.join('; ') });
  }
  // no link left: because of who is calling (the caller filters, or buyers that take no repeats)
  const reject: CallerVerdict['reject'] =
    kept.length > 0 || input.links.length === 0
      ? undefined
      : filtered >= repeats
        ? 'caller_blocked'
        : 'duplicate_caller';
  const repeatOf = earlier && (repeat || unpaid.length > 0 || repeats > 0) ? earlier.id : null;
  return { links: kept, unpaid, repeatOf, first, ...(reject ? { reject } : {}) };
}

function describeAge(seconds: number): string {
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 2 * 86400) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86400)} days`;
}
