/**
 * The life of an inbound call, as data: its states, the states of each attempt (one reserved
 * candidate link), and the transitions the hot-path statements may make. The statements in
 * `src/routing/route.sql.ts`, `next.sql.ts` and `src/calls/call-end.sql.ts` take their state lists from here, and
 * docs/architecture.md shows the same table (a test keeps the two equal).
 */

/**
 * A call's state. `dialing` holds the campaign's slot and its current attempt's link and client
 * slots; `exhausted` holds the campaign slot alone until the call ends; the others hold nothing.
 */
export type CallState = 'dialing' | 'rejected' | 'exhausted' | 'ended' | 'expired';

/** States a PBX channel may still ask about; one call per (pbx, uniqueid) is open at a time. */
export const OPEN_STATES = ['dialing', 'rejected', 'exhausted'] as const satisfies readonly CallState[];

/** States of a call that is over: the call log shows these. */
export const ENDED_STATES = ['ended', 'expired'] as const satisfies readonly CallState[];

/**
 * An attempt's state. `dialing` means the decision was handed out, not that the PBX received
 * it: only a later request naming the attempt (next, or the hangup) says it did.
 */
export type AttemptState = 'dialing' | 'failed' | 'answered' | 'unanswered' | 'not_dialed' | 'expired';

export type CallEvent = 'route' | 'next' | 'hangup' | 'expire';

export interface Transition {
  from: CallState | null;
  event: CallEvent;
  to: CallState;
  when: string;
}

/** Every transition a call may make; anything else is refused (a repeated or late request changes nothing). */
export const CALL_TRANSITIONS: readonly Transition[] = [
  {
    from: null,
    event: 'route',
    to: 'dialing',
    when: 'a candidate link had room: campaign, link and client slots taken, attempt 1 handed out',
  },
  {
    from: null,
    event: 'route',
    to: 'rejected',
    when: 'refused before or while trying candidates; nothing held',
  },
  {
    from: 'dialing',
    event: 'next',
    to: 'dialing',
    when: 'the named current attempt failed over (BUSY, NOANSWER, CONGESTION, CHANUNAVAIL): its slot released, the next candidate reserved',
  },
  {
    from: 'dialing',
    event: 'next',
    to: 'exhausted',
    when: 'the named current attempt failed over and no candidate or attempt is left: every slot released',
  },
  {
    from: 'dialing',
    event: 'hangup',
    to: 'ended',
    when: 'the call ends: the named attempt answered or not, an attempt never received is not_dialed; slots settled, logged, charged',
  },
  { from: 'rejected', event: 'hangup', to: 'ended', when: 'logged' },
  { from: 'exhausted', event: 'hangup', to: 'ended', when: 'the campaign slot released; logged' },
  {
    from: 'dialing',
    event: 'expire',
    to: 'expired',
    when: 'no hangup by expires_at, or the PBX restarted or lost the channel: slots released',
  },
  { from: 'rejected', event: 'expire', to: 'expired', when: 'no hangup by expires_at' },
  {
    from: 'exhausted',
    event: 'expire',
    to: 'expired',
    when: 'no hangup by expires_at: the campaign slot released',
  },
  {
    from: 'expired',
    event: 'hangup',
    to: 'ended',
    when: 'the real hangup arrives late: its figures replace the expiry, a conversion is counted, the charge posted',
  },
];

/** Attempt states by what settles them. */
export const ATTEMPT_OUTCOMES: Readonly<Record<AttemptState, string>> = {
  dialing: 'handed out to the PBX (route or next)',
  failed: 'next named it with a failover status',
  answered: 'the hangup named it with DIALSTATUS=ANSWER',
  unanswered: 'the hangup named it with another DIALSTATUS',
  not_dialed: 'the hangup named an earlier attempt or none: the PBX never received this one',
  expired: 'the call expired while it was current',
};

/** `'a', 'b'` for SQL `IN (...)` lists built from the constants above. */
export function sqlList(values: readonly string[]): string {
  return values.map((v) => `'${v.replace(/'/g, "''")}'`).join(', ');
}

/** Markdown table of CALL_TRANSITIONS, as docs/architecture.md shows it. */
export function transitionTable(): string {
  const rows = CALL_TRANSITIONS.map((t) => `| ${t.from ?? '—'} | ${t.event} | ${t.to} | ${t.when} |`);
  return ['| from | event | to | when |', '| --- | --- | --- | --- |', ...rows].join('\n');
}
