/**
 * What a conversion postback means and what it does to a call (docs/postbacks.md). Pure: the
 * service reads and locks the call, asks `decide`, and writes what it says.
 */
import { normalisePhone } from '../shared/phone.js';
import { moneyProblem, MONEY_LIMITS } from '../shared/money-limits.js';
import { fromMoneyUnits, moneyUnits, toMoney } from '../shared/money.js';
import { AppError } from '../shared/errors.js';

export const POSTBACK_ACTIONS = ['confirm', 'reverse'] as const;
export type PostbackAction = (typeof POSTBACK_ACTIONS)[number];

/** How the call is named: CapConduit's id, Asterisk's uniqueid, or the caller's number at a time. */
export type CallRef =
  | { by: 'call_id'; callId: number }
  | { by: 'uniqueid'; uniqueid: string }
  | { by: 'caller'; caller: string; at: Date };

export interface PostbackRequest {
  keyId: string;
  action: PostbackAction;
  ref: CallRef;
  /** Decimal with 4 places; confirm only. */
  amount: string | null;
  reason: string | null;
  ts: number;
  nonce: string;
  sig: string;
}

/**
 * Slack around a call's start and end when it is named by its caller and a time: the CRM's clock
 * and the moment it notes the call differ from the PBX's.
 */
export const CALLER_MATCH_SLACK_SECONDS = 300;

const invalid = (path: string, message: string) =>
  new AppError('validation_failed', `${path}: ${message}`, { details: [{ path: `/${path}`, message }] });

/** A unix time in seconds, or an ISO 8601 time with its offset. */
function parseTime(name: string, text: string): Date {
  if (/^\d{9,11}$/.test(text)) return new Date(Number(text) * 1000);
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(text)) {
    const d = new Date(text);
    if (!Number.isNaN(d.getTime())) return d;
  }
  throw invalid(name, 'must be unix seconds or an ISO 8601 time with its offset (2026-12-04T20:00:00Z)');
}

function callRef(p: Readonly<Record<string, string>>, region: string): CallRef {
  const named = ['call_id', 'uniqueid', 'caller'].filter((k) => p[k] !== undefined);
  if (named.length !== 1)
    throw invalid('call_id', 'name the call by exactly one of call_id, uniqueid, or caller with at');
  if (p.call_id !== undefined) {
    const id = Number(p.call_id);
    if (!/^[1-9]\d{0,15}$/.test(p.call_id) || !Number.isSafeInteger(id))
      throw invalid('call_id', 'must be a call id (a positive whole number)');
    return { by: 'call_id', callId: id };
  }
  if (p.uniqueid !== undefined) return { by: 'uniqueid', uniqueid: p.uniqueid };
  if (p.at === undefined) throw invalid('at', 'caller needs at: when the call was taken');
  const number = normalisePhone(p.caller!, region as never);
  if ('error' in number) throw invalid('caller', number.error);
  return { by: 'caller', caller: number.e164, at: parseTime('at', p.at) };
}

/**
 * The postback's parameters (every value as text, already checked for shape by the route's
 * schema) as a request, or a 400 naming the parameter.
 */
export function parsePostback(p: Readonly<Record<string, string>>, region: string): PostbackRequest {
  const action = p.action as PostbackAction;
  if (!POSTBACK_ACTIONS.includes(action)) throw invalid('action', 'must be confirm or reverse');
  let amount: string | null = null;
  if (p.amount !== undefined) {
    if (action === 'reverse') throw invalid('amount', 'a reverse takes no amount: its payout becomes 0');
    const problem = moneyProblem(p.amount, { max: MONEY_LIMITS.payout });
    if (problem !== null) throw invalid('amount', problem);
    amount = toMoney(p.amount);
  }
  if (p.ts === undefined || !/^\d{1,12}$/.test(p.ts)) throw invalid('ts', 'must be unix seconds');
  return {
    keyId: p.key_id ?? '',
    action,
    ref: callRef(p, region),
    amount,
    reason: p.reason === undefined || p.reason.trim() === '' ? null : p.reason.trim(),
    ts: Number(p.ts),
    nonce: p.nonce ?? '',
    sig: p.sig ?? '',
  };
}

/** The call as locked for a postback. */
export interface PostbackCall {
  id: number;
  state: string;
  /** The buyer who answered (null: nobody). */
  client_id: number | null;
  billable: boolean;
  payout: string;
  /** The payout of the answered attempt: the link's deal when the call was routed. */
  deal_payout: string | null;
}

/** Why a postback was refused with 409, in `details.reason` of the answer. */
export type RefusalReason =
  'call_in_progress' | 'call_expired' | 'not_answered_by_buyer' | 'ambiguous_call' | 'nonce_used';

export type Decision =
  | { kind: 'refuse'; reason: RefusalReason; message: string }
  | { kind: 'unchanged' }
  | { kind: 'apply'; billable: boolean; payout: string };

const OPEN_MESSAGE =
  'the call is still in progress: send the postback after it has ended (its conversion is decided at hangup)';

/**
 * What a postback of `buyer` does to `call`: a refusal (409) saying why, nothing (the call is
 * already so: the same postback twice), or the new billable flag and payout. A confirm without an
 * amount keeps the call's payout, or, on a call that did not convert (or was reversed), takes the
 * deal's; a reverse makes it not converted with payout 0.
 */
export function decide(
  call: PostbackCall,
  buyer: number,
  action: PostbackAction,
  amount: string | null,
): Decision {
  if (call.state === 'expired')
    return {
      kind: 'refuse',
      reason: 'call_expired',
      message:
        'the call expired without a hangup from the PBX: its outcome is unknown, so its conversion cannot change',
    };
  if (call.state !== 'ended') return { kind: 'refuse', reason: 'call_in_progress', message: OPEN_MESSAGE };
  if (call.client_id !== buyer)
    return {
      kind: 'refuse',
      reason: 'not_answered_by_buyer',
      message: `call ${call.id} was not answered by this buyer: only the buyer who answered it can confirm or reverse it`,
    };
  const current = moneyUnits(call.payout);
  if (action === 'reverse')
    return !call.billable && current === 0n
      ? { kind: 'unchanged' }
      : { kind: 'apply', billable: false, payout: '0.0000' };
  const target = amount ?? (call.billable ? call.payout : (call.deal_payout ?? '0'));
  const units = moneyUnits(target);
  return call.billable && units === current
    ? { kind: 'unchanged' }
    : { kind: 'apply', billable: true, payout: fromMoneyUnits(units) };
}
