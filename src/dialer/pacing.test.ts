import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decide, type PacingAgent, type PacingHistory, type PacingInput } from './pacing.js';
import { simulate } from './simulator.js';

const NOW = Date.parse('2026-06-15T16:00:00Z');

const history = (h: Partial<PacingHistory> = {}): PacingHistory => ({
  dials: 400,
  answered: 100,
  abandoned: 0,
  meanRingToAnswerSeconds: 12,
  meanTalkSeconds: 180,
  meanWrapSeconds: 20,
  longAnswered: 1000,
  longAbandoned: 0,
  hourAnswered: 40,
  hourAbandoned: 0,
  ...h,
});

const agents = (states: PacingAgent['state'][], ageSeconds = 60): PacingAgent[] =>
  states.map((state) => ({ state, sinceMs: NOW - ageSeconds * 1000 }));

function input(o: Partial<PacingInput> & { mode?: PacingInput['config']['mode'] } = {}): PacingInput {
  return {
    nowMs: NOW,
    config: { mode: o.mode ?? 'predictive', maxDialLevel: 3, abandonTarget: 0.03, ringTimeoutSeconds: 25 },
    agents: o.agents ?? agents(['available', 'available', 'on_call', 'on_call', 'wrap_up']),
    linesInFlight: o.linesInFlight ?? 0,
    history: o.history ?? history(),
    ...(o.linesInFlightSinceMs ? { linesInFlightSinceMs: o.linesInFlightSinceMs } : {}),
    ...(o.answeredWaiting !== undefined ? { answeredWaiting: o.answeredWaiting } : {}),
  };
}

describe('pacing', () => {
  test('preview never dials by itself', () => {
    assert.equal(decide(input({ mode: 'preview' })).dial, 0);
  });

  test('progressive: one line per available agent, minus the lines already ringing, never negative', () => {
    assert.equal(decide(input({ mode: 'progressive' })).dial, 2);
    assert.equal(decide(input({ mode: 'progressive', linesInFlight: 1 })).dial, 1);
    assert.equal(decide(input({ mode: 'progressive', linesInFlight: 5 })).dial, 0);
    assert.equal(decide(input({ mode: 'progressive', answeredWaiting: 2 })).dial, 0);
    assert.equal(decide(input({ mode: 'progressive', agents: [] })).dial, 0);
  });

  test('predictive dials whole lines, at least the progressive count, never above the dial level', () => {
    for (let inFlight = 0; inFlight <= 20; inFlight += 1) {
      for (const states of [
        ['available', 'available', 'available', 'available', 'available'],
        ['on_call', 'on_call', 'on_call', 'on_call', 'wrap_up'],
        ['available', 'on_call', 'on_call', 'on_call', 'on_call'],
      ] as PacingAgent['state'][][]) {
        const i = input({ agents: agents(states, 170), linesInFlight: inFlight });
        const d = decide(i);
        assert.ok(Number.isInteger(d.dial) && d.dial >= 0, JSON.stringify(d));
        assert.ok(inFlight + d.dial <= 3 * states.length || d.dial === 0, JSON.stringify({ inFlight, d }));
        const free = states.filter((s) => s === 'available').length;
        assert.ok(d.dial >= Math.max(0, free - inFlight), JSON.stringify({ inFlight, d }));
      }
    }
  });

  test('predictive overdials with a low answer rate and busy agents about to be free', () => {
    const i = input({
      agents: agents(
        ['on_call', 'on_call', 'on_call', 'on_call', 'on_call', 'on_call', 'on_call', 'wrap_up'],
        175,
      ),
      history: history({ dials: 400, answered: 60 }),
    });
    const d = decide(i);
    assert.ok(d.dial > 0, `with agents about to be free it dials ahead: ${JSON.stringify(d)}`);
  });

  test('the margin grows as the abandon rate nears its target; above it, no overdial', () => {
    const busy = agents(['on_call', 'on_call', 'on_call', 'on_call', 'on_call', 'on_call', 'available'], 175);
    const calm = decide(input({ agents: busy, history: history({ answered: 60 }) })).dial;
    const near = decide(
      input({ agents: busy, history: history({ answered: 60, hourAnswered: 40, hourAbandoned: 1 }) }),
    ).dial;
    const over = decide(
      input({
        agents: busy,
        history: history({
          answered: 60,
          hourAnswered: 40,
          hourAbandoned: 3,
          longAnswered: 1000,
          longAbandoned: 40,
        }),
      }),
    );
    assert.ok(near <= calm, `near the target: ${near} ≤ ${calm}`);
    assert.equal(over.dial, 1, `above the target only the free agent gets a line: ${JSON.stringify(over)}`);
  });

  test('a cold start stays close to progressive', () => {
    const d = decide(
      input({
        agents: agents(['available', 'available', 'available', 'available']),
        history: history({ dials: 0, answered: 0, meanRingToAnswerSeconds: null, meanTalkSeconds: null }),
      }),
    );
    assert.ok(d.dial >= 4 && d.dial <= 6, JSON.stringify(d));
  });

  test('simulated (seeded): progressive never abandons; predictive keeps every hour near its target', () => {
    const progressive = simulate('progressive', { agents: 8, hours: 1, seed: 7 });
    assert.equal(progressive.abandoned, 0);
    assert.ok(progressive.answered > 0);
    const predictive = simulate('predictive', { agents: 8, hours: 1, seed: 7 });
    assert.ok(predictive.utilisation >= progressive.utilisation, JSON.stringify({ predictive, progressive }));
  });
});
