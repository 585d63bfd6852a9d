/**
 * Dialer pacing: how many new lines a campaign dials now. Pure: every time and count comes in
 * the input, so the worker calls it every second and tests and the simulator call it as they like.
 *
 * - preview: never dials (the agent clicks dial).
 * - progressive: one line per available agent, minus the lines already ringing and the answered
 *   calls waiting; never more. Every answer finds the agent its line was dialled for: no abandons.
 * - predictive: for every second t of the next ~2R seconds (R: mean ring-to-answer time of
 *   answered calls), the agents free by t + 2 s (an answered person waits 2 s for an agent, then
 *   the call is abandoned) must cover the answers due by t. Supply, per agent, the chance it is
 *   free by then: available 1; wrap-up, from how long it has lasted (wrap-up times taken as
 *   normal around their mean, ±50 %, and an agent well past the mean as likely to stay on:
 *   the longer it has overrun, the less likely it ends soon); on a call or being connected, the
 *   chance its talk and then a wrap-up end by then (talk taken as memoryless: how long a call has
 *   lasted says little about when it ends). Demand: each line in flight, the chance a line of its
 *   age is still answered by a person by then (answered lines ring normal(R, R/3) s, unanswered
 *   ones fail at once or ring to the timeout, in the measured mix), plus the answered calls
 *   waiting. A new line is answered by then with chance p·F(t) (p: answer rate, F: ring-time
 *   distribution). The engine dials the largest n for which, at every t, expected demand plus
 *   n·p·F(t) plus z standard deviations of the whole still fits in the expected supply.
 * - feedback: the budget is the hour's abandons allowed (90 % of target × the answers it has had
 *   and is projected to have; the other 10 % is headroom for lines already in flight) and the
 *   30 days' alike. The margin z = zBase + zSlope × pace, pace being the share of the budget
 *   spent minus the share of the answers had (> 0 when abandons come faster than allowed), and
 *   the shortfall a decision may cause, plus tailZ standard deviations, must leave one abandon
 *   of the budget unspent (this is what holds every hour under the target near its end). When
 *   less than one abandon is left, overdial pauses: one line per free agent (progressive).
 * - cold start: the answer rate leans on a pessimistic prior (50 % over 20 dials) and, until
 *   COLD_ANSWERED people have answered in the window, lines stay within COLD_LEVEL per available
 *   agent (progressive-plus); unknown means take conservative defaults.
 * - always: at least the progressive count, at most maxDialLevel lines per logged-in agent.
 *
 * The constants are tuned with the simulator (`npm run bench:dialer`, docs/performance.md,
 * "Dialer pacing").
 */

import { checkpoints, estimates, type Checkpoint, type Estimates } from './pacing.model.js';

export { ABANDON_AFTER_SECONDS } from './pacing.model.js';

export type DialMode = 'preview' | 'progressive' | 'predictive';

export interface PacingConfig {
  mode: DialMode;
  /** Lines in flight per logged-in agent, at most (default 3.0). */
  maxDialLevel: number;
  /** Abandoned / answered by a person, at most, over 30 days and in every hour (default 0.03). */
  abandonTarget: number;
  ringTimeoutSeconds: number;
}

/** An agent logged into the campaign and not paused; `ringing`: being connected to a call. */
export interface PacingAgent {
  state: 'available' | 'ringing' | 'on_call' | 'wrap_up';
  sinceMs: number;
  /**
   * When the agent will be free, if that is known exactly. The worker never knows it; the
   * simulator passes it to measure how much better pacing could be with perfect knowledge of
   * the agents (its `agents-known` pacer).
   */
  freeAtMs?: number;
}

/** Measured over a recent window (the caller chooses, e.g. the last 60 min capped at 500 dials). */
export interface PacingHistory {
  /** Dials whose outcome is known (answered, machine, busy, no answer, failed). */
  dials: number;
  /** A person answered (after AMD); machines and no-answers are not answered. */
  answered: number;
  /** Of `answered`: no agent was free within 2 s. */
  abandoned: number;
  /** For answered calls. */
  meanRingToAnswerSeconds: number | null;
  meanTalkSeconds: number | null;
  meanWrapSeconds: number | null;
  /**
   * Added: from originate to end, for dials nobody answered (busy, no answer, failed, machine);
   * absent or null: every such line taken to ring until the timeout.
   */
  meanUnansweredSeconds?: number | null;
  /** Rolling 30 days: the abandon-rate target is on these. */
  longAnswered: number;
  longAbandoned: number;
  /** The current clock hour. */
  hourAnswered: number;
  hourAbandoned: number;
}

export interface PacingInput {
  nowMs: number;
  config: PacingConfig;
  agents: PacingAgent[];
  /** Lines originated, not yet answered or ended. */
  linesInFlight: number;
  /** When each line in flight was originated; absent: every line counted as just dialled. */
  linesInFlightSinceMs?: number[];
  /** Calls a person answered that wait for an agent (at most 2 s); absent: 0. */
  answeredWaiting?: number;
  history: PacingHistory;
}

export interface PacingDecision {
  /** New lines to originate now: an integer, >= 0. */
  dial: number;
  /** Lines in flight per logged-in agent after this decision. */
  level: number;
  /** Why, in a few words. */
  reason: string;
}

const TUNING = {
  /** The margin, in standard deviations, while the budget is spent no faster than the answers come. */
  zBase: 2.15,
  /** Added per unit of pace (share of the budget spent − share of the answers had). */
  zSlope: 3,
  /** The least margin, however far under budget. */
  zMin: 1.5,
  /**
   * The budget's tail: the shortfall this decision may cause, plus this many standard deviations,
   * must leave one abandon of the budget unspent.
   */
  tailZ: 3.5,
  /** The share of the target the controller spends: headroom for the abandons of lines in flight. */
  spend: 0.9,
};
const COLD_LEVEL = 1.5;
/** Answers per logged-in agent per mean handle time projected for the rest of the hour (low). */
const PROJECTED_OCCUPANCY = 0.8;
const HOUR_MS = 3_600_000;

/** Decides how many lines to dial now. */
export function decide(input: PacingInput): PacingDecision {
  const { mode } = input.config;
  switch (mode) {
    case 'preview':
      return { dial: 0, level: 0, reason: 'preview: agents dial by hand' };
    case 'progressive':
      return progressive(input, 'progressive');
    case 'predictive':
      return predictive(input);
  }
}

function progressiveCount(input: PacingInput): number {
  const busyLines = input.linesInFlight + (input.answeredWaiting ?? 0);
  return Math.max(
    0,
    Math.min(countAvailable(input.agents) - busyLines, maxLines(input) - input.linesInFlight),
  );
}

function progressive(input: PacingInput, why: string): PacingDecision {
  const waiting = input.answeredWaiting ?? 0;
  return decision(
    input,
    progressiveCount(input),
    `${why}: one line per available agent (${countAvailable(input.agents)} available, ` +
      `${input.linesInFlight} ringing, ${waiting} waiting)`,
  );
}

function predictive(input: PacingInput): PacingDecision {
  const est = estimates(input.history, input.config.ringTimeoutSeconds);
  const guard = abandonGuard(input, est);
  if (guard.pause !== null) return progressive(input, `predictive paused, ${guard.pause}`);
  let limit = maxLines(input) - input.linesInFlight;
  if (est.cold)
    limit = Math.min(limit, Math.floor(countAvailable(input.agents) * COLD_LEVEL) - input.linesInFlight);
  const checks = checkpoints(input, est);
  // fits() only gets harder as n grows: the largest n that fits, by bisection
  let lo = 0;
  let hi = Math.max(0, limit);
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(checks, est.answerRate, mid, guard)) lo = mid;
    else hi = mid - 1;
  }
  const dial = Math.max(lo, progressiveCount(input));
  const last = checks[checks.length - 1];
  const why =
    `predictive${est.cold ? ' (cold start)' : ''}: ${last?.supply.mean.toFixed(1) ?? 0} agents free ` +
    `and ${last?.demand.mean.toFixed(1) ?? 0} answers due within ${last?.atSeconds ?? 0} s, answer rate ` +
    `${(est.answerRate * 100).toFixed(0)} %, margin ${guard.z.toFixed(1)} sd${guard.why}`;
  return decision(input, dial, why);
}

/**
 * Whether n new lines fit: at every checkpoint the agents free cover the answers due with a margin
 * of z standard deviations, and the shortfall's tail stays inside the abandons left in the budget.
 */
function fits(checks: Checkpoint[], p: number, n: number, guard: Guard): boolean {
  for (const c of checks) {
    const q = p * c.newAnswered;
    const sd = Math.sqrt(c.supply.variance + c.demand.variance + n * q * (1 - q));
    const shortfall = c.demand.mean + n * q - c.supply.mean;
    if (shortfall + guard.z * sd > 0) return false;
    if (shortfall + TUNING.tailZ * sd > guard.room - 1) return false;
  }
  return true;
}

interface Guard {
  z: number;
  /** Why predictive overdial is paused, or null. */
  pause: string | null;
  /** Why the margin is wider than the base, or ''. */
  why: string;
  /** Abandons left in the tighter of the hour's and the 30 days' budgets. */
  room: number;
}

/** The feedback controller: the margin from how the hour's and the 30 days' budgets are spent. */
function abandonGuard(input: PacingInput, est: Estimates): Guard {
  const { abandonTarget: target } = input.config;
  const h = input.history;
  const leftS = (HOUR_MS - (((input.nowMs % HOUR_MS) + HOUR_MS) % HOUR_MS)) / 1000;
  const toCome = (input.agents.length * PROJECTED_OCCUPANCY * leftS) / (est.talkSeconds + est.wrapSeconds);
  const budgets = [
    { name: 'the hour', answered: h.hourAnswered, abandoned: h.hourAbandoned },
    { name: '30 days', answered: h.longAnswered, abandoned: h.longAbandoned },
  ].map((b) => {
    const budget = target * TUNING.spend * (b.answered + toCome);
    const pace = b.abandoned / budget - b.answered / (b.answered + toCome);
    return { ...b, room: budget - b.abandoned, pace: Number.isFinite(pace) ? pace : 0 };
  });
  const room = Math.min(...budgets.map((b) => b.room));
  const tight = budgets.find((b) => b.room < 1);
  if (tight) return { z: Infinity, pause: `${tight.name} at its abandon target`, why: '', room };
  const pace = Math.max(...budgets.map((b) => b.pace));
  const z = Math.max(TUNING.zMin, TUNING.zBase + TUNING.zSlope * pace);
  const why = `, ${room.toFixed(1)} abandons left${pace > 0 ? ', ahead of budget' : ''}`;
  return { z, pause: null, why, room };
}

function decision(input: PacingInput, dial: number, reason: string): PacingDecision {
  const n = Number.isFinite(dial) ? Math.max(0, Math.floor(dial)) : 0;
  const agents = input.agents.length;
  const level = agents === 0 ? 0 : (input.linesInFlight + n) / agents;
  return { dial: n, level: Math.round(level * 100) / 100, reason };
}

function maxLines(input: PacingInput): number {
  return Math.floor(input.config.maxDialLevel * input.agents.length + 1e-9);
}

function countAvailable(agents: PacingAgent[]): number {
  let n = 0;
  for (const a of agents) if (a.state === 'available') n++;
  return n;
}
