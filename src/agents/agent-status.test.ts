import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import {
  AGENT_EVENT_TYPES,
  AGENT_STATUSES,
  AGENT_TRANSITIONS,
  agentTransitionTable,
  decide,
  sameState,
  startsNewPeriod,
  type AgentEvent,
  type AgentEventType,
  type AgentState,
  type AgentStatus,
} from './agent-status.js';

const NOW = new Date('2026-03-02T10:00:00Z');
const ctx = { now: NOW, wrapUpSeconds: 20 };

/** A consistent state for each status, with a noted pause where one may be. */
function stateOf(status: AgentStatus, pause: string | null = null): AgentState {
  return {
    status,
    pause_reason: status === 'paused' ? (pause ?? 'lunch') : status === 'available' ? null : pause,
    call_ref: status === 'ringing' || status === 'on_call' ? 'call-1' : null,
    // Due now: the timer's own event is allowed in the sweep over every pair below.
    wrap_up_until: status === 'wrap_up' ? NOW : null,
  };
}

function eventOf(type: AgentEventType): AgentEvent {
  switch (type) {
    case 'pause':
      return { type, reason: 'training' };
    case 'call_offered':
    case 'call_answered':
    case 'call_ended':
      return { type, call: 'call-1' };
    case 'go_available':
    case 'go_offline':
    case 'wrap_up_over':
    case 'registration_lost':
      return { type };
  }
}

const cells = (table: string) =>
  table
    .split('\n')
    .filter((l) => l.startsWith('|') && !/^\|[\s-|]+\|$/.test(l))
    .map((l) =>
      l
        .split('|')
        .slice(1, -1)
        .map((c) => c.trim()),
    );

test('every (status, event) pair is allowed exactly when the table has a row, and lands where a row says', () => {
  for (const status of AGENT_STATUSES) {
    for (const pause of [null, 'lunch']) {
      for (const type of AGENT_EVENT_TYPES) {
        const rows = AGENT_TRANSITIONS.filter((r) => r.from === status && r.event === type);
        const d = decide(stateOf(status, pause), eventOf(type), ctx);
        const label = `${status}${pause ? ' (pause noted)' : ''} + ${type}`;
        if (rows.length === 0) {
          assert.equal(d.ok, false, `${label} is not in the table but was allowed`);
        } else {
          assert.ok(d.ok, `${label} is in the table but was refused: ${d.ok ? '' : d.message}`);
          assert.ok(
            rows.some((r) => r.to === d.next.status),
            `${label} went to ${d.next.status}`,
          );
        }
      }
    }
  }
});

test('docs/architecture.md shows the agent state table the code uses', () => {
  const doc = readFileSync(new URL('../../docs/architecture.md', import.meta.url), 'utf8');
  const m = /<!-- agent-transitions:[^>]*-->([\s\S]*?)<!-- \/agent-transitions -->/.exec(doc);
  assert.ok(m, 'the markers are in docs/architecture.md');
  assert.deepEqual(cells(m[1]!), cells(agentTransitionTable()));
});

test('a call runs ringing → on call → wrap-up → available, and wrap-up ends only when its time is up', () => {
  const ringing = decide(stateOf('available'), { type: 'call_offered', call: 'c9' }, ctx);
  assert.ok(ringing.ok);
  assert.deepEqual(ringing.next, {
    status: 'ringing',
    pause_reason: null,
    call_ref: 'c9',
    wrap_up_until: null,
  });
  const talking = decide(ringing.next, { type: 'call_answered', call: 'c9' }, ctx);
  assert.ok(talking.ok);
  const wrap = decide(talking.next, { type: 'call_ended', call: 'c9' }, ctx);
  assert.ok(wrap.ok);
  assert.equal(wrap.next.status, 'wrap_up');
  assert.equal(wrap.next.call_ref, null);
  assert.deepEqual(wrap.next.wrap_up_until, new Date('2026-03-02T10:00:20Z'));

  const early = decide(
    wrap.next,
    { type: 'wrap_up_over' },
    { ...ctx, now: new Date('2026-03-02T10:00:19Z') },
  );
  assert.deepEqual(early, { ok: false, refusal: 'too_early', message: 'wrap-up is not over yet' });
  const over = decide(wrap.next, { type: 'wrap_up_over' }, { ...ctx, now: new Date('2026-03-02T10:00:20Z') });
  assert.ok(over.ok);
  assert.deepEqual(over.next, {
    status: 'available',
    pause_reason: null,
    call_ref: null,
    wrap_up_until: null,
  });
});

test('a pause asked for during a call is kept and taken after wrap-up; going available drops it', () => {
  const onCall = stateOf('on_call');
  const noted = decide(onCall, { type: 'pause', reason: 'break' }, ctx);
  assert.ok(noted.ok);
  assert.equal(noted.next.status, 'on_call');
  assert.equal(noted.next.pause_reason, 'break');
  assert.equal(startsNewPeriod(onCall, noted.next), false);

  const wrap = decide(noted.next, { type: 'call_ended', call: 'call-1' }, ctx);
  assert.ok(wrap.ok);
  const over = decide(wrap.next, { type: 'wrap_up_over' }, { ...ctx, now: new Date('2026-03-02T11:00:00Z') });
  assert.ok(over.ok);
  assert.deepEqual([over.next.status, over.next.pause_reason], ['paused', 'break']);

  const dropped = decide(noted.next, { type: 'go_available' }, ctx);
  assert.ok(dropped.ok);
  assert.equal(dropped.next.pause_reason, null);
});

test('a paused agent who makes a call comes back to the same pause, even if it rang unanswered', () => {
  const paused = stateOf('paused', 'lunch');
  const ringing = decide(paused, { type: 'call_offered', call: 'manual-1' }, ctx);
  assert.ok(ringing.ok);
  assert.deepEqual([ringing.next.status, ringing.next.pause_reason], ['ringing', 'lunch']);
  const unanswered = decide(ringing.next, { type: 'call_ended', call: 'manual-1' }, ctx);
  assert.ok(unanswered.ok);
  assert.deepEqual([unanswered.next.status, unanswered.next.pause_reason], ['paused', 'lunch']);
});

test('call events about another call, and repeated ones, change nothing', () => {
  const onCall = stateOf('on_call');
  assert.deepEqual(decide(onCall, { type: 'call_ended', call: 'old-call' }, ctx), {
    ok: false,
    refusal: 'other_call',
    message: 'the event names another call',
  });
  assert.equal(decide(onCall, { type: 'call_offered', call: 'second' }, ctx).ok, false);
  assert.equal(decide(stateOf('wrap_up'), { type: 'call_ended', call: 'call-1' }, ctx).ok, false);
  assert.equal(decide(stateOf('offline'), { type: 'call_offered', call: 'x' }, ctx).ok, false);
});

test('an agent on a call cannot go offline; losing the phone sends an idle agent offline', () => {
  const refused = decide(stateOf('on_call'), { type: 'go_offline' }, ctx);
  assert.ok(!refused.ok);
  assert.match(refused.message, /end the call first/);
  assert.equal(decide(stateOf('ringing'), { type: 'registration_lost' }, ctx).ok, false);
  for (const status of ['available', 'paused', 'wrap_up'] as const) {
    const d = decide(stateOf(status), { type: 'registration_lost' }, ctx);
    assert.ok(d.ok && d.next.status === 'offline' && d.next.pause_reason === null, status);
  }
});

test('repeating an action changes nothing; a new pause reason starts a new period', () => {
  const available = stateOf('available');
  const again = decide(available, { type: 'go_available' }, ctx);
  assert.ok(again.ok && sameState(available, again.next));
  const paused = stateOf('paused', 'lunch');
  const same = decide(paused, { type: 'pause', reason: 'lunch' }, ctx);
  assert.ok(same.ok && sameState(paused, same.next));
  const other = decide(paused, { type: 'pause', reason: 'coaching' }, ctx);
  assert.ok(other.ok && startsNewPeriod(paused, other.next));
});
