import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { decide, type PacingAgent, type PacingHistory, type PacingInput } from './pacing.js';
import { simulate } from './simulator.js';

const NOW = Date.parse('2026-06-15T16:20:00Z');

/** A campaign that has run a while: 25 % answer rate, 180 s talk, 20 s wrap-up, no abandons. */
const history = (h: Partial<PacingHistory> = {}): PacingHistory => ({
  dials: 400,
  answered: 100,
  abandoned: 0,
  meanRingToAnswerSeconds: 12,
  meanTalkSeconds: 180,
  meanWrapSeconds: 20,
  meanUnansweredSeconds: 21,
  longAnswered: 5000,
  longAbandoned: 100,
  hourAnswered: 100,
  hourAbandoned: 0,
  ...h,
});

const agent = (state: PacingAgent['state'], forSeconds: number): PacingAgent => ({
  state,
  sinceMs: NOW - forSeconds * 1000,
});

/** 20 agents: 2 available, 4 in wrap-up 8–14 s in, 14 on calls. */
const team = (): PacingAgent[] => [
  agent('available', 3),
  agent('available', 1),
  ...[8, 10, 12, 14].map((s) => agent('wrap_up', s)),
  ...Array.from({ length: 14 }, (_, i) => agent('on_call', 20 + i * 15)),
];

function input(
  o: Partial<PacingInput> = {},
  mode: PacingInput['config']['mode'] = 'predictive',
): PacingInput {
  return {
    nowMs: NOW,
    config: { mode, maxDialLevel: 3, abandonTarget: 0.03, ringTimeoutSeconds: 25 },
    agents: team(),
    linesInFlight: 0,
    history: history(),
    ...o,
  };
}

describe('preview and progressive', () => {
  test('preview never dials by itself', () => {
    assert.equal(decide(input({}, 'preview')).dial, 0);
    assert.equal(decide(input({ agents: [agent('available', 60)] }, 'preview')).dial, 0);
  });

  test('progressive dials one line per available agent, minus the lines in flight, never below 0', () => {
    const four = [1, 2, 3, 4].map((s) => agent('available', s));
    assert.equal(decide(input({ agents: four }, 'progressive')).dial, 4);
    assert.equal(decide(input({ agents: four, linesInFlight: 3 }, 'progressive')).dial, 1);
    assert.equal(decide(input({ agents: four, linesInFlight: 9 }, 'progressive')).dial, 0);
    assert.equal(
      decide(input({ agents: four, linesInFlight: 1, answeredWaiting: 2 }, 'progressive')).dial,
      1,
    );
    assert.equal(decide(input({ agents: [] }, 'progressive')).dial, 0);
  });
});

describe('predictive', () => {
  test('dials ahead for agents about to be free', () => {
    const d = decide(input());
    assert.ok(d.dial > 2, `more lines than the 2 available agents: ${JSON.stringify(d)}`);
    assert.match(d.reason, /^predictive/);
  });

  test('never puts more lines in flight than maxDialLevel per agent', () => {
    const all = Array.from({ length: 10 }, (_, i) => agent('available', i));
    const rare = history({ dials: 600, answered: 36, meanUnansweredSeconds: 25 });
    for (const maxDialLevel of [1, 1.5, 2.5, 3]) {
      for (const linesInFlight of [0, 5, 12, 40]) {
        const i = input({ agents: all, history: rare, linesInFlight });
        const d = decide({ ...i, config: { ...i.config, maxDialLevel } });
        assert.ok(d.dial === 0 || linesInFlight + d.dial <= Math.floor(maxDialLevel * 10), JSON.stringify(d));
        assert.ok(d.level <= Math.max(maxDialLevel, linesInFlight / 10), JSON.stringify(d));
      }
    }
    const i = input({ agents: all, history: rare });
    assert.equal(decide({ ...i, config: { ...i.config, maxDialLevel: 2.5 } }).dial, 25, 'the cap binds here');
  });

  test('dials fewer lines as the hour’s abandons near the target', () => {
    const dials = [0, 2, 4, 5].map(
      (hourAbandoned) => decide(input({ history: history({ hourAbandoned }) })).dial,
    );
    for (let i = 1; i < dials.length; i++) assert.ok(dials[i]! <= dials[i - 1]!, `${dials}`);
    assert.ok(dials[dials.length - 1]! < dials[0]!, `${dials}`);
  });

  test('at the target no more overdial: one line per free agent, for the hour and for 30 days', () => {
    // 16:20, 300 answered and 15 abandoned this hour: with the ~190 answers still to come, the
    // budget (90 % of 3 %) is 13.3 abandons, already exceeded
    const hour = decide(input({ history: history({ hourAnswered: 300, hourAbandoned: 15 }) }));
    assert.equal(hour.dial, 2);
    assert.match(hour.reason, /paused, the hour at its abandon target/);
    const long = decide(input({ history: history({ longAnswered: 5000, longAbandoned: 160 }) }));
    assert.equal(long.dial, 2);
    assert.match(long.reason, /paused, 30 days at its abandon target/);
    assert.equal(decide(input({ linesInFlight: 2, history: history({ hourAbandoned: 20 }) })).dial, 0);
  });

  test('an agent known to be free soon counts in full, one known to stay busy not at all', () => {
    const known = (inSeconds: number) =>
      team().map((a) => (a.state === 'available' ? a : { ...a, freeAtMs: NOW + inSeconds * 1000 }));
    const soon = decide(input({ agents: known(5) })).dial;
    const guessed = decide(input()).dial;
    const late = decide(input({ agents: known(600) })).dial;
    assert.ok(soon > guessed && guessed > late, `${soon} > ${guessed} > ${late}`);
  });

  test('a cold start stays within 1.5 lines per available agent', () => {
    const ten = Array.from({ length: 10 }, (_, i) => agent('available', i));
    const empty = history({
      dials: 0,
      answered: 0,
      meanRingToAnswerSeconds: null,
      meanTalkSeconds: null,
      meanWrapSeconds: null,
      meanUnansweredSeconds: null,
      longAnswered: 0,
      longAbandoned: 0,
      hourAnswered: 0,
    });
    const d = decide(input({ agents: ten, history: empty }));
    assert.ok(d.dial >= 10 && d.dial <= 15, JSON.stringify(d));
    assert.match(d.reason, /cold start/);
    assert.equal(decide(input({ agents: ten, history: empty, linesInFlight: 15 })).dial, 0);
  });

  test('any input: a whole number of lines, at least progressive, within the dial level', () => {
    const state = fc.constantFrom<PacingAgent['state']>('available', 'ringing', 'on_call', 'wrap_up');
    const arbitraryInput = fc.record({
      agents: fc.array(fc.record({ state, forSeconds: fc.double({ min: 0, max: 900, noNaN: true }) }), {
        maxLength: 60,
      }),
      ages: fc.array(fc.double({ min: 0, max: 40, noNaN: true }), { maxLength: 120 }),
      waiting: fc.nat(5),
      dials: fc.nat(600),
      answeredShare: fc.double({ min: 0, max: 1, noNaN: true }),
      hourAbandoned: fc.nat(30),
      ring: fc.option(fc.double({ min: 0, max: 60, noNaN: true })),
      talk: fc.option(fc.double({ min: 0, max: 900, noNaN: true })),
      wrap: fc.option(fc.double({ min: 0, max: 120, noNaN: true })),
      maxDialLevel: fc.double({ min: 1, max: 10, noNaN: true }),
      secondOfHour: fc.nat(3599),
    });
    fc.assert(
      fc.property(arbitraryInput, (a) => {
        const nowMs = Date.parse('2026-06-15T16:00:00Z') + a.secondOfHour * 1000;
        const answered = Math.round(a.dials * a.answeredShare);
        const i: PacingInput = {
          nowMs,
          config: {
            mode: 'predictive',
            maxDialLevel: a.maxDialLevel,
            abandonTarget: 0.03,
            ringTimeoutSeconds: 25,
          },
          agents: a.agents.map((x) => ({ state: x.state, sinceMs: nowMs - x.forSeconds * 1000 })),
          linesInFlight: a.ages.length,
          linesInFlightSinceMs: a.ages.map((s) => nowMs - s * 1000),
          answeredWaiting: a.waiting,
          history: history({
            dials: a.dials,
            answered,
            abandoned: Math.min(answered, a.hourAbandoned),
            meanRingToAnswerSeconds: a.ring,
            meanTalkSeconds: a.talk,
            meanWrapSeconds: a.wrap,
            hourAbandoned: a.hourAbandoned,
          }),
        };
        const d = decide(i);
        const progressive = decide({ ...i, config: { ...i.config, mode: 'progressive' } }).dial;
        const cap = Math.floor(a.maxDialLevel * a.agents.length + 1e-9) - a.ages.length;
        assert.ok(Number.isInteger(d.dial) && d.dial >= 0, JSON.stringify(d));
        assert.ok(d.dial >= progressive, JSON.stringify({ d, progressive }));
        assert.ok(d.dial <= Math.max(0, cap), JSON.stringify({ d, cap }));
      }),
      { numRuns: 300, seed: 42 },
    );
  });
});

describe('simulator', () => {
  test('a seeded hour: progressive abandons nothing, the oracle nothing, and runs repeat exactly', () => {
    const progressive = simulate('progressive', { agents: 8, hours: 1, seed: 7 });
    assert.equal(progressive.abandoned, 0);
    assert.ok(progressive.answered > 50, JSON.stringify(progressive));
    assert.deepEqual(simulate('progressive', { agents: 8, hours: 1, seed: 7 }), progressive);
    const oracle = simulate('oracle', { agents: 8, hours: 1, seed: 7 });
    assert.equal(oracle.abandoned, 0);
    assert.ok(oracle.utilisation > progressive.utilisation, JSON.stringify({ oracle, progressive }));
  });

  test('a seeded hour: predictive keeps agents busier than progressive', () => {
    const progressive = simulate('progressive', { agents: 20, hours: 1, seed: 3 });
    const predictive = simulate('predictive', { agents: 20, hours: 1, seed: 3 });
    assert.ok(predictive.utilisation > progressive.utilisation + 0.05, JSON.stringify(predictive));
    assert.ok(predictive.abandonRate <= 0.03, JSON.stringify(predictive));
  });
});
