/**
 * An agent's status, as data: the states, the events that move them (the agent's own actions,
 * call events from the ARI connector, the wrap-up timer, the phone's registration), and the
 * allowed transitions as a table. `decide` is pure: the service reads the agent, decides, and
 * writes the result only onto the version it read (agent-status.service.ts).
 * docs/architecture.md shows the same table (a test keeps the two equal).
 */

export const AGENT_STATUSES = ['offline', 'available', 'ringing', 'on_call', 'wrap_up', 'paused'] as const;
export type AgentStatus = (typeof AGENT_STATUSES)[number];

export const AGENT_EVENT_TYPES = [
  'go_available',
  'pause',
  'go_offline',
  'call_offered',
  'call_answered',
  'call_ended',
  'wrap_up_over',
  'registration_lost',
] as const;
export type AgentEventType = (typeof AGENT_EVENT_TYPES)[number];

/** Call events name their call (an ARI channel id, or whatever the connector keys calls by). */
export type AgentEvent =
  | { type: 'go_available' }
  | { type: 'pause'; reason: string }
  | { type: 'go_offline' }
  | { type: 'call_offered'; call: string }
  | { type: 'call_answered'; call: string }
  | { type: 'call_ended'; call: string }
  | { type: 'wrap_up_over' }
  | { type: 'registration_lost' };

/** The part of an agent the status machine reads and writes. */
export interface AgentState {
  status: AgentStatus;
  /** Paused: why. Ringing, on a call or in wrap-up: the pause the agent returns to afterwards. */
  pause_reason: string | null;
  /** The current call (ringing, on_call). */
  call_ref: string | null;
  /** When wrap-up ends by itself (wrap_up). */
  wrap_up_until: Date | null;
}

export interface DecideContext {
  now: Date;
  /** This agent's wrap-up time (its own, or the system default). */
  wrapUpSeconds: number;
}

/** Why an event changes nothing. `not_allowed`: no row of the table; the others: its `when` fails. */
export type Refusal = 'not_allowed' | 'other_call' | 'too_early';

export type Decision = { ok: true; next: AgentState } | { ok: false; refusal: Refusal; message: string };

export interface AgentTransition {
  from: AgentStatus;
  event: AgentEventType;
  to: AgentStatus;
  when: string;
}

const t = (from: AgentStatus, event: AgentEventType, to: AgentStatus, when: string): AgentTransition => ({
  from,
  event,
  to,
  when,
});

const BACK = 'back to available, or to paused when a pause is noted';

/** Every transition an agent may make; any other (status, event) pair is refused and changes nothing. */
export const AGENT_TRANSITIONS: readonly AgentTransition[] = [
  t('offline', 'go_available', 'available', 'the agent starts taking calls'),
  t('offline', 'pause', 'paused', 'the agent signs in without taking calls yet'),
  t('offline', 'go_offline', 'offline', 'already offline: nothing changes'),
  t('available', 'go_available', 'available', 'already available: nothing changes'),
  t('available', 'pause', 'paused', 'with a reason'),
  t('available', 'go_offline', 'offline', 'the agent stops'),
  t('available', 'call_offered', 'ringing', "a call rings the agent's phone and becomes the current call"),
  t('available', 'call_answered', 'on_call', 'answered without its ring being seen (an event was lost)'),
  t('available', 'registration_lost', 'offline', 'the phone is gone: no call can reach the agent'),
  t('ringing', 'call_answered', 'on_call', 'the current call is answered'),
  t('ringing', 'call_ended', 'available', 'the current call ends unanswered, with no pause noted'),
  t('ringing', 'call_ended', 'paused', 'the current call ends unanswered, with a pause noted'),
  t('ringing', 'pause', 'ringing', 'the pause is noted: the agent goes paused after this call'),
  t('ringing', 'go_available', 'ringing', 'a noted pause is dropped'),
  t('on_call', 'call_ended', 'wrap_up', "the current call ends: wrap-up runs for the agent's wrap-up time"),
  t('on_call', 'pause', 'on_call', 'the pause is noted: the agent goes paused after wrap-up'),
  t('on_call', 'go_available', 'on_call', 'a noted pause is dropped'),
  t('wrap_up', 'wrap_up_over', 'available', 'the wrap-up time has passed, with no pause noted'),
  t('wrap_up', 'wrap_up_over', 'paused', 'the wrap-up time has passed, with a pause noted'),
  t('wrap_up', 'go_available', 'available', 'the agent ends wrap-up early'),
  t('wrap_up', 'pause', 'paused', 'with a reason'),
  t('wrap_up', 'go_offline', 'offline', 'the agent stops'),
  t('wrap_up', 'call_offered', 'ringing', `another call (e.g. dialled by the agent); afterwards ${BACK}`),
  t('wrap_up', 'call_answered', 'on_call', 'answered without its ring being seen'),
  t('wrap_up', 'registration_lost', 'offline', 'the phone is gone'),
  t('paused', 'go_available', 'available', 'the pause ends'),
  t('paused', 'pause', 'paused', 'the reason changes (the same reason changes nothing)'),
  t('paused', 'go_offline', 'offline', 'the agent stops'),
  t(
    'paused',
    'call_offered',
    'ringing',
    'a call while paused (e.g. dialled by the agent): the pause is noted',
  ),
  t('paused', 'call_answered', 'on_call', 'answered without its ring being seen: the pause is noted'),
  t('paused', 'registration_lost', 'offline', 'the phone is gone'),
];

const idle = (s: AgentState, status: 'available' | 'paused' | 'offline', reason: string | null) => ({
  ...s,
  status,
  pause_reason: reason,
  call_ref: null,
  wrap_up_until: null,
});

/** After a call (unanswered, or wrap-up over): paused if a pause was noted, otherwise available. */
const back = (s: AgentState): AgentState =>
  idle(s, s.pause_reason === null ? 'available' : 'paused', s.pause_reason);

const refuse = (refusal: Refusal, message: string): Decision => ({ ok: false, refusal, message });
const ok = (next: AgentState): Decision => ({ ok: true, next });

function notAllowed(s: AgentState, e: AgentEvent): Decision {
  const what: Record<AgentEventType, string> = {
    go_available: 'become available',
    pause: 'pause',
    go_offline: 'go offline',
    call_offered: 'be offered a call',
    call_answered: 'answer a call',
    call_ended: 'end a call',
    wrap_up_over: 'end wrap-up',
    registration_lost: 'lose the registration',
  };
  return refuse('not_allowed', `an agent who is ${s.status.replace('_', ' ')} cannot ${what[e.type]}`);
}

/** A call event about a call other than the current one (late, repeated, or a second call). */
function sameCall(s: AgentState, call: string): boolean {
  return s.call_ref === call;
}

function fromIdle(s: AgentState, e: AgentEvent, c: DecideContext): Decision {
  switch (e.type) {
    case 'go_available':
      return ok(idle(s, 'available', null));
    case 'pause':
      return ok(idle(s, 'paused', e.reason));
    case 'go_offline':
      return s.status === 'offline' ? ok(s) : ok(idle(s, 'offline', null));
    case 'call_offered':
    case 'call_answered':
      if (s.status === 'offline') return notAllowed(s, e);
      return ok({
        status: e.type === 'call_offered' ? 'ringing' : 'on_call',
        // A paused agent goes back to the same pause after the call.
        pause_reason: s.status === 'available' ? null : s.pause_reason,
        call_ref: e.call,
        wrap_up_until: null,
      });
    case 'wrap_up_over':
      if (s.status !== 'wrap_up') return notAllowed(s, e);
      if (s.wrap_up_until !== null && s.wrap_up_until > c.now)
        return refuse('too_early', 'wrap-up is not over yet');
      return ok(back(s));
    case 'registration_lost':
      return s.status === 'offline' ? notAllowed(s, e) : ok(idle(s, 'offline', null));
    case 'call_ended':
      return notAllowed(s, e);
  }
}

function fromCall(s: AgentState, e: AgentEvent, c: DecideContext): Decision {
  switch (e.type) {
    case 'pause':
      return ok({ ...s, pause_reason: e.reason });
    case 'go_available':
      return ok({ ...s, pause_reason: null });
    case 'call_answered':
      if (s.status !== 'ringing') return notAllowed(s, e);
      if (!sameCall(s, e.call)) return refuse('other_call', 'the event names another call');
      return ok({ ...s, status: 'on_call' });
    case 'call_ended':
      if (!sameCall(s, e.call)) return refuse('other_call', 'the event names another call');
      if (s.status === 'ringing') return ok(back(s));
      return ok({
        ...s,
        status: 'wrap_up',
        call_ref: null,
        wrap_up_until: new Date(c.now.getTime() + c.wrapUpSeconds * 1000),
      });
    case 'go_offline':
    case 'call_offered':
    case 'wrap_up_over':
    case 'registration_lost':
      return notAllowed(s, e);
  }
}

/**
 * What `event` does to an agent in state `s`: the next state, or why it changes nothing.
 * A refused agent action is the agent's mistake (the API says so); a refused call event is late,
 * repeated or about another call, and the connector just drops it.
 */
export function decide(s: AgentState, e: AgentEvent, c: DecideContext): Decision {
  switch (s.status) {
    case 'offline':
    case 'available':
    case 'paused':
    case 'wrap_up':
      return fromIdle(s, e, c);
    case 'ringing':
    case 'on_call':
      if (e.type === 'go_offline') return refuse('not_allowed', 'end the call first, then go offline');
      return fromCall(s, e, c);
  }
}

/** True when nothing the agent or a report sees would change. */
export function sameState(a: AgentState, b: AgentState): boolean {
  return (
    a.status === b.status &&
    a.pause_reason === b.pause_reason &&
    a.call_ref === b.call_ref &&
    (a.wrap_up_until?.getTime() ?? null) === (b.wrap_up_until?.getTime() ?? null)
  );
}

/**
 * Whether a change starts a new period in the status log: a new status, or a new pause reason.
 * A pause noted during a call is not one (the agent is still on the call).
 */
export function startsNewPeriod(a: AgentState, b: AgentState): boolean {
  return a.status !== b.status || (b.status === 'paused' && a.pause_reason !== b.pause_reason);
}

/** Markdown table of AGENT_TRANSITIONS, as docs/architecture.md shows it. */
export function agentTransitionTable(): string {
  const rows = AGENT_TRANSITIONS.map((r) => `| ${r.from} | ${r.event} | ${r.to} | ${r.when} |`);
  return ['| from | event | to | when |', '| --- | --- | --- | --- |', ...rows].join('\n');
}
