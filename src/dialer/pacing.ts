/**
 * Dialer pacing: how many new lines a campaign dials now. Pure: every time and count comes in
 * the input, so the worker calls it every second and tests and the simulator call it as they like.
 *
 * - preview: never dials (the agent clicks dial).
 * - progressive: one line per available agent, minus the lines already ringing; never more.
 *   An answer always finds the agent its line was dialled for: it never abandons.
 * - predictive: dials now for the agents expected to be free when the new lines would be
 *   answered, R + 2 s from now (R: mean ring-to-answer time; 2 s: how long an answered person
 *   waits for an agent before the call is abandoned). Supply: each available agent counts 1; an
 *   agent in wrap-up counts the chance its wrap-up ends within that horizon given how long it
 *   has lasted (wrap-up times taken as normal around their mean, ±50 %); an agent on a call or
 *   being connected the chance its talk and then its wrap-up end within it (talk time taken as
 *   memoryless: how long a call has lasted says little about when it ends). Demand: the answers
 *   expected from the lines already ringing (each line: the chance a line of its age is still
 *   answered, from the answer rate and R) plus the answered calls waiting for an agent. The
 *   answers of n new lines are binomial(n, answer rate); the engine dials the largest n whose
 *   expected answers plus `z` standard deviations of the total still fit in the expected free
 *   agents: the margin z is what turns an expected balance into a low abandon rate.
 * - feedback: z rises from Z_BASE as the abandon rate nears the target: the current hour's
 *   abandons against its budget (target × the answers expected by the end of the hour), the
 *   rolling 30 days' likewise, and the recent window's rate. When one more abandon would put the
 *   hour or the 30 days above the target, predictive overdial pauses: one line per free agent.
 * - cold start: until ~COLD_ANSWERED human answers are measured the answer rate leans on a
 *   pessimistic prior and lines stay within COLD_LEVEL per available agent (progressive-plus).
 * - always: at least the progressive count, at most maxDialLevel lines per logged-in agent.
 */

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

/** How long an answered person waits for an agent before the call counts as abandoned. */
export const ABANDON_AFTER_SECONDS = 2;
const PRIOR_DIALS = 20;
const PRIOR_ANSWER_RATE = 0.5;
const COLD_ANSWERED = 30;
const COLD_LEVEL = 1.5;
const DEFAULT_RING_SECONDS = 10;
const DEFAULT_TALK_SECONDS = 300;
const DEFAULT_WRAP_SECONDS = 30;
const RING_CV = 1 / 3;
const CHECK_STEP_SECONDS = 1;
/** Wrap-up times taken as normal around their mean with this coefficient of variation. */
const WRAP_CV = 0.5;
const Z_BASE = 1.0;
const Z_SLOPE = 3;
const Z_MIN = 1.5;
const PAUSE_MARGIN = 1;
const Z_NEAR = 1;
const RECENT_WEIGHT = 0;
/** Checkpoints start once a new line has this chance of being answered by then. */
const MIN_ANSWERED_SHARE = 0.05;
/** Projected answers per agent per handle time over the rest of the hour (conservative). */
const PROJECTED_OCCUPANCY = 0.8;
const HOUR_MS = 3_600_000;

/** Decides how many lines to dial now. */
export function decide(input: PacingInput): PacingDecision {
  const { mode } = input.config;
  switch (mode) {
    case 'preview':
      return { dial: 0, level: 0, reason: 'preview: agents dial by hand' };
    case 'progressive':
      return progressive(input, 'progressive: one line per available agent');
    case 'predictive':
      return predictive(input);
  }
}

function progressive(input: PacingInput, why: string): PacingDecision {
  const free = countAvailable(input.agents);
  const busyLines = input.linesInFlight + (input.answeredWaiting ?? 0);
  const dial = Math.max(0, Math.min(free - busyLines, maxLines(input) - input.linesInFlight));
  return decision(input, dial, `${why}: ${free} available, ${busyLines} in flight`);
}

interface Estimates {
  answerRate: number;
  ringSeconds: number;
  talkSeconds: number;
  wrapSeconds: number;
  /** Of unanswered lines: the share that ends at once (busy, failed); the rest ring to the timeout. */
  quickFail: number;
  cold: boolean;
}

function estimates(h: PacingHistory, timeout: number): Estimates {
  const answered = Math.min(h.answered, h.dials);
  return {
    answerRate: (answered + PRIOR_ANSWER_RATE * PRIOR_DIALS) / (h.dials + PRIOR_DIALS),
    ringSeconds: positiveOr(h.meanRingToAnswerSeconds, DEFAULT_RING_SECONDS),
    talkSeconds: positiveOr(h.meanTalkSeconds, DEFAULT_TALK_SECONDS),
    wrapSeconds:
      h.meanWrapSeconds !== null && h.meanWrapSeconds >= 0 ? h.meanWrapSeconds : DEFAULT_WRAP_SECONDS,
    quickFail:
      h.meanUnansweredSeconds === null || h.meanUnansweredSeconds === undefined || timeout <= 0
        ? 0
        : Math.min(0.9, Math.max(0, 1 - h.meanUnansweredSeconds / timeout)),
    cold: answered < COLD_ANSWERED,
  };
}

function predictive(input: PacingInput): PacingDecision {
  const est = estimates(input.history, input.config.ringTimeoutSeconds);
  const guard = abandonGuard(input, est);
  if (guard.pause !== null) return progressive(input, `predictive paused (${guard.pause})`);
  const p = est.answerRate;
  let limit = maxLines(input) - input.linesInFlight;
  if (est.cold)
    limit = Math.min(limit, Math.floor(countAvailable(input.agents) * COLD_LEVEL) - input.linesInFlight);
  const checks = checkpoints(input, est);
  const fits = (k: number) =>
    checks.every((c) => {
      const q = p * c.newAnswered;
      const sd = Math.sqrt(c.supply.variance + c.demand.variance + k * q * (1 - q));
      return c.demand.mean + k * q + guard.z * sd <= c.supply.mean;
    });
  let n = 0;
  while (n < limit && fits(n + 1)) n++;
  const floor = progressive(input, '').dial;
  const last = checks[checks.length - 1]!;
  const why =
    `predictive${est.cold ? ' (cold start)' : ''}: ${last.supply.mean.toFixed(1)} agents free within ` +
    `${last.atSeconds.toFixed(0)} s, ${last.demand.mean.toFixed(1)} answers due, answer rate ` +
    `${(p * 100).toFixed(0)} %, margin z ${guard.z.toFixed(1)}`;
  return decision(input, Math.max(n, floor), why);
}

interface Moments {
  mean: number;
  variance: number;
}

interface Checkpoint {
  atSeconds: number;
  /** Agents free by then + 2 s. */
  supply: Moments;
  /** Answers by then from the lines in flight and the calls waiting. */
  demand: Moments;
  /** The chance a line dialled now is answered by then, if it is answered at all. */
  newAnswered: number;
}

/** Every second until nearly all answers of a new line are in: supply and demand by then. */
function checkpoints(input: PacingInput, est: Estimates): Checkpoint[] {
  const r = est.ringSeconds;
  const sd = r * RING_CV;
  const ages = (input.linesInFlightSinceMs ?? Array<number>(input.linesInFlight).fill(input.nowMs)).map((t) =>
    Math.max(0, (input.nowMs - t) / 1000),
  );
  const agents = input.agents.map((a) => ({
    state: a.state,
    elapsed: Math.max(0, (input.nowMs - a.sinceMs) / 1000),
  }));
  const out: Checkpoint[] = [];
  for (let t = 0; t <= r + 3 * sd; t += CHECK_STEP_SECONDS) {
    const supply = moments(agents.map((a) => freeChance(a.state, a.elapsed, t + ABANDON_AFTER_SECONDS, est)));
    const demand = moments(ages.map((age) => answerChance(age, t, est, input.config.ringTimeoutSeconds)));
    demand.mean += input.answeredWaiting ?? 0;
    const newAnswered = normalCdf((t - r) / sd);
    if (newAnswered >= MIN_ANSWERED_SHARE) out.push({ atSeconds: t, supply, demand, newAnswered });
  }
  return out;
}

function moments(chances: number[]): Moments {
  let mean = 0;
  let variance = 0;
  for (const q of chances) {
    mean += q;
    variance += q * (1 - q);
  }
  return { mean, variance };
}

/** The chance an agent in `state` for `elapsed` seconds is free within `horizon` seconds. */
function freeChance(state: PacingAgent['state'], elapsed: number, horizon: number, est: Estimates): number {
  const w = est.wrapSeconds;
  const sd = Math.max(1, WRAP_CV * w);
  switch (state) {
    case 'available':
      return 1;
    case 'wrap_up': {
      // P(wrap <= elapsed + horizon | wrap > elapsed), wrap ~ normal(w, sd)
      const before = normalCdf((elapsed - w) / sd);
      if (before > 0.999) return 1;
      return (normalCdf((elapsed + horizon - w) / sd) - before) / (1 - before);
    }
    case 'ringing':
    case 'on_call': {
      // talk left ~ exponential(mean talk), then a wrap-up: three-point Gauss–Hermite over the wrap
      const ends = (wrap: number) => 1 - Math.exp(-Math.max(0, horizon - wrap) / est.talkSeconds);
      const r = Math.sqrt(3) * sd;
      return (ends(w - r) + 4 * ends(w) + ends(w + r)) / 6;
    }
  }
}

/**
 * The chance a line ringing for `age` seconds is answered by a person within `within` seconds:
 * answered lines ring normal(R, R/3) seconds; unanswered ones until the ring timeout (a busy
 * line ends sooner, so this errs low, on the side of dialling more).
 */
function answerChance(age: number, within: number, est: Estimates, timeout: number): number {
  if (age >= timeout) return 0;
  const r = est.ringSeconds;
  const sd = r * RING_CV;
  const ringing = (t: number) => 1 - normalCdf((t - r) / sd);
  const p = est.answerRate;
  const failing = age < 1 ? 1 : 1 - est.quickFail;
  return (p * (ringing(age) - ringing(age + within))) / (p * ringing(age) + (1 - p) * failing);
}

interface Guard {
  z: number;
  /** Why predictive overdial is paused, or null. */
  pause: string | null;
}

/** The feedback controller: the margin z from how much of the abandon budget is spent. */
function abandonGuard(input: PacingInput, est: Estimates): Guard {
  const { abandonTarget: target } = input.config;
  const h = input.history;
  const leftInHourS = (HOUR_MS - (((input.nowMs % HOUR_MS) + HOUR_MS) % HOUR_MS)) / 1000;
  const toCome =
    (input.agents.length * PROJECTED_OCCUPANCY * leftInHourS) / (est.talkSeconds + est.wrapSeconds);
  const hourBudget = target * (h.hourAnswered + toCome);
  const longBudget = target * (h.longAnswered + toCome);
  const room = Math.min(hourBudget - h.hourAbandoned, longBudget - h.longAbandoned);
  if (h.hourAbandoned >= hourBudget) return { z: Infinity, pause: 'the hour is at its abandon target' };
  if (h.longAbandoned >= longBudget) return { z: Infinity, pause: '30 days at their abandon target' };
  // spending the budget faster than the answers come: > 0
  const hourPace = h.hourAbandoned / hourBudget - h.hourAnswered / (h.hourAnswered + toCome);
  const longPace = h.longAbandoned / longBudget - h.longAnswered / (h.longAnswered + toCome);
  const recent = (h.abandoned + target * 0.5 * PRIOR_DIALS) / (h.answered + PRIOR_DIALS) / target - 1;
  const pressure = Math.max(hourPace, longPace, RECENT_WEIGHT * recent);
  const near = Z_NEAR * Math.max(0, PAUSE_MARGIN - room);
  return { z: Math.max(Z_MIN, Z_BASE + Z_SLOPE * pressure) + near, pause: null };
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
  return agents.filter((a) => a.state === 'available').length;
}

function positiveOr(x: number | null, fallback: number): number {
  return x !== null && x > 0 && Number.isFinite(x) ? x : fallback;
}

/** Standard normal CDF (Abramowitz & Stegun 26.2.17, error < 7.5e-8). */
function normalCdf(x: number): number {
  const t = 1 / (1 + 0.2316419 * Math.abs(x));
  const d = 0.3989422804014327 * Math.exp((-x * x) / 2);
  const tail =
    d * t * (0.31938153 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
  return x >= 0 ? 1 - tail : tail;
}
