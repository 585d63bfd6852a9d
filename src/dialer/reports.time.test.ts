import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StatusInterval } from './reports.repo.js';
import { attribute, timeByCampaign, utilisation } from './reports.time.js';

const T0 = Date.parse('2026-03-10T09:00:00Z');
const m = (minutes: number) => new Date(T0 + minutes * 60_000);

/** [from minute, to minute, status, campaign of the named call (undefined: names none)]. */
function intervals(rows: [number, number, string, (number | null)?][]): StatusInterval[] {
  return rows.map(([a, b, status, campaign]) => ({
    user_id: 1,
    status,
    reason: status === 'paused' ? 'Break' : null,
    start_at: m(a),
    end_at: m(b),
    names_call: campaign !== undefined,
    campaign_id: campaign ?? null,
  }));
}

const campaigns = (rows: ReturnType<typeof attribute>) => rows.map((r) => r.campaign);

test('a stretch of work counts for the campaign of the call before it, and its start for its first call', () => {
  const got = attribute(
    intervals([
      [0, 10, 'available'],
      [10, 12, 'on_call', 7],
      [12, 13, 'wrap_up'],
      [13, 20, 'paused'],
      [20, 30, 'available'],
      [30, 32, 'on_call', 8],
      [32, 40, 'available'],
    ]),
    undefined,
  );

  assert.deepEqual(campaigns(got), [7, 7, 7, 7, 7, 8, 8]);
});

test('going offline ends a stretch; another kind of call counts for no campaign, nor what follows it', () => {
  const got = attribute(
    intervals([
      [0, 5, 'available'],
      [5, 6, 'on_call', 7],
      [6, 10, 'available'],
      [10, 20, 'offline'],
      [20, 25, 'available'],
      [25, 26, 'on_call', null],
      [26, 30, 'available'],
      [30, 40, 'offline'],
      [40, 50, 'available'],
    ]),
    undefined,
  );

  // Offline intervals are left out: they count for nothing.
  assert.deepEqual(campaigns(got), [7, 7, 7, null, null, null, null]);
});

test("time in the agent's current session counts for its campaign, split where the agent joined", () => {
  const got = attribute(intervals([[0, 60, 'available']]), {
    user_id: 1,
    campaign_id: 9,
    joined_at: m(20),
  });

  assert.deepEqual(
    got.map((r) => [r.interval.start_at.getTime(), r.interval.end_at.getTime(), r.campaign]),
    [
      [m(0).getTime(), m(20).getTime(), null],
      [m(20).getTime(), m(60).getTime(), 9],
    ],
  );
});

test('time is summed by campaign and status; utilisation is talk over working time', () => {
  const times = timeByCampaign(
    intervals([
      [0, 30, 'available'],
      [30, 31, 'ringing', 7],
      [31, 40, 'on_call', 7],
      [40, 45, 'wrap_up'],
      [45, 60, 'paused'],
    ]),
    [],
  );

  const t = times.get(7)?.get(1);
  assert.ok(t);
  assert.deepEqual(
    [t.available, t.ringing, t.on_call, t.wrap_up, [...t.paused]],
    [1_800_000, 60_000, 540_000, 300_000, [['Break', 900_000]]],
  );
  assert.equal(utilisation(t), 540 / 2700);
  assert.equal(utilisation({ available: 0, ringing: 0, on_call: 0, wrap_up: 0, paused: new Map() }), null);
});
