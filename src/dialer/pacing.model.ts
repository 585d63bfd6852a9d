/**
 * The predictive pacer's model (pacing.ts says how it is used): the rates measured from a
 * campaign's recent calls, and for each second of the next few, the agents expected free and the
 * answers expected due, with their variances. Pure, as pacing.ts.
 */
import type { PacingAgent, PacingHistory, PacingInput } from './pacing.js';

/** How long an answered person waits for an agent before the call counts as abandoned. */
export const ABANDON_AFTER_SECONDS = 2;
const PRIOR_DIALS = 20;
const PRIOR_ANSWER_RATE = 0.5;
const COLD_ANSWERED = 30;
const DEFAULT_RING_SECONDS = 10;
const DEFAULT_TALK_SECONDS = 300;
const DEFAULT_WRAP_SECONDS = 30;
/** Answered calls' ring time: normal(R, RING_CV × R). */
const RING_CV = 1 / 3;
/** Wrap-up time: normal(W, WRAP_CV × W) up to W + one standard deviation. */
const WRAP_CV = 0.5;

export interface Estimates {
  answerRate: number;
  ringSeconds: number;
  talkSeconds: number;
  wrapSeconds: number;
  /** Of unanswered lines: the share that ends at once (busy, failed); the rest ring to the timeout. */
  quickFail: number;
  cold: boolean;
}

export function estimates(h: PacingHistory, timeout: number): Estimates {
  const answered = Math.max(0, Math.min(h.answered, h.dials));
  const unanswered = h.meanUnansweredSeconds;
  return {
    answerRate: (answered + PRIOR_ANSWER_RATE * PRIOR_DIALS) / (Math.max(0, h.dials) + PRIOR_DIALS),
    ringSeconds: positiveOr(h.meanRingToAnswerSeconds, DEFAULT_RING_SECONDS),
    talkSeconds: positiveOr(h.meanTalkSeconds, DEFAULT_TALK_SECONDS),
    wrapSeconds: positiveOr(h.meanWrapSeconds, DEFAULT_WRAP_SECONDS),
    quickFail:
      typeof unanswered === 'number' && Number.isFinite(unanswered) && timeout > 0
        ? Math.min(0.9, Math.max(0, 1 - unanswered / timeout))
        : 0,
    cold: answered < COLD_ANSWERED,
  };
}

interface Moments {
  mean: number;
  variance: number;
}

export interface Checkpoint {
  atSeconds: number;
  /** Agents free by then + 2 s. */
  supply: Moments;
  /** Answers due by then from the lines in flight and the calls waiting. */
  demand: Moments;
  /** The chance a line dialled now and answered is answered by then. */
  newAnswered: number;
}

/** Each second until nearly every answer of a line dialled now is in: supply and demand by then. */
export function checkpoints(input: PacingInput, est: Estimates): Checkpoint[] {
  const { nowMs } = input;
  const since = input.linesInFlightSinceMs ?? Array<number>(input.linesInFlight).fill(nowMs);
  const ages = since.map((t) => Math.max(0, (nowMs - t) / 1000));
  const timeout = input.config.ringTimeoutSeconds;
  const out: Checkpoint[] = [];
  const end = est.ringSeconds * (1 + 3 * RING_CV);
  for (let t = 0; t <= end; t++) {
    const supply = { mean: 0, variance: 0 };
    for (const a of input.agents) {
      const elapsed = Math.max(0, (nowMs - a.sinceMs) / 1000);
      const horizon = t + ABANDON_AFTER_SECONDS;
      if (a.freeAtMs !== undefined) add(supply, a.freeAtMs <= nowMs + horizon * 1000 ? 1 : 0);
      else add(supply, freeChance(a.state, elapsed, horizon, est));
    }
    const demand = { mean: input.answeredWaiting ?? 0, variance: 0 };
    for (const age of ages) add(demand, answerChance(age, t, est, timeout));
    const newAnswered = 1 - ringsLonger(t, est.ringSeconds);
    out.push({ atSeconds: t, supply, demand, newAnswered });
  }
  return out;
}

function add(m: Moments, chance: number): void {
  m.mean += chance;
  m.variance += chance * (1 - chance);
}

/** The chance an agent in `state` for `elapsed` seconds is free within `horizon` seconds. */
function freeChance(state: PacingAgent['state'], elapsed: number, horizon: number, est: Estimates): number {
  const w = est.wrapSeconds;
  const sd = Math.max(1, WRAP_CV * w);
  switch (state) {
    case 'available':
      return 1;
    case 'wrap_up': {
      // past mean + sd: a decreasing hazard, so one long overrun does not look about to end
      if (elapsed > w + sd) return horizon / (horizon + elapsed - w);
      const before = normalCdf((elapsed - w) / sd);
      return (normalCdf((elapsed + horizon - w) / sd) - before) / (1 - before);
    }
    case 'ringing':
    case 'on_call': {
      // talk left ~ exponential(mean talk), then a wrap-up: three-point Gauss–Hermite over it
      const r = Math.sqrt(3) * sd;
      const t = est.talkSeconds;
      return (talkEnds(horizon - w + r, t) + 4 * talkEnds(horizon - w, t) + talkEnds(horizon - w - r, t)) / 6;
    }
  }
}

function talkEnds(within: number, meanTalk: number): number {
  return within <= 0 ? 0 : 1 - Math.exp(-within / meanTalk);
}

/** The chance a line ringing for `age` seconds is answered by a person within `within` seconds. */
function answerChance(age: number, within: number, est: Estimates, timeout: number): number {
  if (age >= timeout) return 0;
  const p = est.answerRate;
  const stillRinging = ringsLonger(age, est.ringSeconds);
  // a line past its first second that fails at once has already ended
  const failing = age < 1 ? 1 : 1 - est.quickFail;
  const answers = p * (stillRinging - ringsLonger(age + within, est.ringSeconds));
  return answers / (p * stillRinging + (1 - p) * failing);
}

/** The chance an answered line rings longer than `t` seconds. */
function ringsLonger(t: number, meanRing: number): number {
  return 1 - normalCdf((t - meanRing) / (meanRing * RING_CV));
}

function positiveOr(x: number | null | undefined, fallback: number): number {
  return typeof x === 'number' && x > 0 && Number.isFinite(x) ? x : fallback;
}

/** Standard normal CDF (Abramowitz & Stegun 26.2.17, error < 7.5e-8). */
function normalCdf(x: number): number {
  const t = 1 / (1 + 0.2316419 * Math.abs(x));
  const d = 0.3989422804014327 * Math.exp((-x * x) / 2);
  const tail =
    d * t * (0.31938153 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
  return x >= 0 ? 1 - tail : tail;
}
