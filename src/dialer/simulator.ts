/**
 * A discrete-event simulation of a dialer campaign on a virtual clock, to measure pacing without
 * a PBX: `decide()` (pacing.ts) is called every second of virtual time as the worker will, and
 * the calls it dials come from a seeded stream that is the same for every pacer (the i-th dial
 * of any pacer reaches the same person, with the same outcome, ring, talk and wrap-up times).
 * An answered call goes to the longest-idle available agent; with none free within 2 s it is
 * abandoned. The oracle knows every call in advance: it dials each answering call so that its
 * answer lands when an agent frees up, the best utilisation the same call stream allows.
 * `agents-known` is the predictive engine told when every agent will be free.
 */
import { seededRandom } from '../shared/random.js';
import { ABANDON_AFTER_SECONDS, decide } from './pacing.js';
import { EventQueue, HistoryWindow, type Agent, type Call, type Line } from './simulator.parts.js';

/**
 * `agents-known`: the predictive engine told exactly when each agent will be free (it still
 * does not know who will answer): how much of the gap to the oracle is the agents' side.
 */
export type SimPacer = 'progressive' | 'predictive' | 'agents-known' | 'oracle';

export interface SimOptions {
  agents: number;
  hours: number;
  /** Share of dials a person answers. */
  answerRate: number;
  /** Share of unanswered dials that are busy (end after 1–4 s); the rest ring until the timeout. */
  busyShare: number;
  ringTimeoutSeconds: number;
  /** Lognormal talk time: mean and sigma of its logarithm. */
  meanTalkSeconds: number;
  talkSigma: number;
  meanWrapSeconds: number;
  wrapSigma: number;
  maxDialLevel: number;
  abandonTarget: number;
  seed: number;
  /** Pass each line's age to decide() (linesInFlightSinceMs). */
  lineAges: boolean;
}

export const DEFAULT_SIM: SimOptions = {
  agents: 20,
  hours: 8,
  answerRate: 0.25,
  busyShare: 0.2,
  ringTimeoutSeconds: 25,
  meanTalkSeconds: 180,
  talkSigma: 0.8,
  meanWrapSeconds: 20,
  wrapSigma: 0.5,
  maxDialLevel: 3,
  abandonTarget: 0.03,
  seed: 1,
  lineAges: true,
};

export interface SimResult {
  pacer: SimPacer;
  dials: number;
  answered: number;
  abandoned: number;
  /** Talk time / logged-in time, over all agents. */
  utilisation: number;
  /** Mean idle time of an agent before each call it takes. */
  meanWaitSeconds: number;
  abandonRate: number;
  worstHourAbandonRate: number;
  callsPerAgentHour: number;
  hours: { answered: number; abandoned: number }[];
}

/** The call stream: call i is the same for every pacer with the same seed and options. */
function callStream(o: SimOptions): (i: number) => Call {
  const rnd = seededRandom(o.seed);
  const calls: Call[] = [];
  const lognormal = (mean: number, sigma: number) => {
    const z = Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
    return Math.exp(Math.log(mean) - (sigma * sigma) / 2 + sigma * z);
  };
  return (i) => {
    while (calls.length <= i) {
      const answered = rnd() < o.answerRate;
      const busy = rnd() < o.busyShare;
      const ring = rnd();
      calls.push({
        answered,
        ringS: answered ? 5 + 15 * ring : busy ? 1 + 3 * ring : o.ringTimeoutSeconds,
        talkS: lognormal(o.meanTalkSeconds, o.talkSigma),
        wrapS: lognormal(o.meanWrapSeconds, o.wrapSigma),
      });
    }
    return calls[i]!;
  };
}

/** Runs one shift with one pacer. */
export function simulate(pacer: SimPacer, options: Partial<SimOptions> = {}): SimResult {
  const o = { ...DEFAULT_SIM, ...options };
  const endMs = o.hours * 3_600_000;
  const stream = callStream(o);
  const queue = new EventQueue();
  const agents: Agent[] = Array.from({ length: o.agents }, () => ({
    state: 'available',
    sinceMs: 0,
    talkS: 0,
    wrapS: 0,
  }));
  const ringing = new Set<Line>();
  const waiting: Line[] = [];
  const hist = new HistoryWindow();
  const hours = Array.from({ length: Math.ceil(o.hours) }, () => ({ answered: 0, abandoned: 0 }));
  let next = 0;
  let talkMs = 0;
  let waitMs = 0;
  let connects = 0;

  const dialCall = (i: number, nowMs: number) => {
    const line: Line = { call: stream(i), dialMs: nowMs, answerMs: 0, state: 'ringing' };
    ringing.add(line);
    queue.push(nowMs + line.call.ringS * 1000, { kind: 'ringEnd', line });
  };
  const dial = (nowMs: number) => dialCall(next++, nowMs);
  const connect = (line: Line, agent: Agent, nowMs: number) => {
    line.state = 'connected';
    waitMs += nowMs - agent.sinceMs;
    connects++;
    talkMs += Math.min(line.call.talkS * 1000, endMs - nowMs);
    Object.assign(agent, {
      state: 'on_call',
      sinceMs: nowMs,
      talkS: line.call.talkS,
      wrapS: line.call.wrapS,
    });
    queue.push(nowMs + line.call.talkS * 1000, { kind: 'talkEnd', agent });
    if (pacer === 'oracle') oracleNext(nowMs, nowMs + (line.call.talkS + line.call.wrapS) * 1000);
  };
  // The oracle: for an agent free at `freeMs`, the next answering call of the stream is dialled so
  // that it is answered then (or as soon as it can be); the unanswered ones before it go at once.
  const oracleNext = (nowMs: number, freeMs: number) => {
    while (!stream(next).answered) dial(nowMs);
    const at = Math.max(nowMs, freeMs - stream(next).ringS * 1000);
    if (at < endMs) queue.push(at, { kind: 'dial', call: next++ });
  };

  if (pacer === 'oracle') agents.forEach(() => oracleNext(0, 0));
  else for (let t = 0; t < endMs; t += 1000) queue.push(t, { kind: 'tick' });

  for (let ev = queue.pop(); ev !== undefined && ev.atMs < endMs; ev = queue.pop()) {
    const now = ev.atMs;
    const e = ev.event;
    switch (e.kind) {
      case 'tick': {
        const d = decide({
          nowMs: now,
          config: {
            mode: pacer === 'progressive' ? 'progressive' : 'predictive',
            maxDialLevel: o.maxDialLevel,
            abandonTarget: o.abandonTarget,
            ringTimeoutSeconds: o.ringTimeoutSeconds,
          },
          agents: agents.map((a) => {
            const freeAtMs = pacer === 'agents-known' ? freeAt(a) : undefined;
            return { state: a.state, sinceMs: a.sinceMs, ...(freeAtMs === undefined ? {} : { freeAtMs }) };
          }),
          linesInFlight: ringing.size,
          ...(o.lineAges ? { linesInFlightSinceMs: [...ringing].map((l) => l.dialMs) } : {}),
          answeredWaiting: waiting.length,
          history: hist.read(now, hours[Math.floor(now / 3_600_000)]!),
        });
        for (let i = 0; i < d.dial; i++) dial(now);
        break;
      }
      case 'dial':
        dialCall(e.call, now);
        break;
      case 'ringEnd': {
        const line = e.line;
        ringing.delete(line);
        hist.concluded(now, line);
        if (!line.call.answered) {
          line.state = 'ended';
          break;
        }
        line.answerMs = now;
        hours[Math.floor(now / 3_600_000)]!.answered++;
        hist.answered++;
        const agent = longestIdle(agents);
        if (agent !== undefined) connect(line, agent, now);
        else {
          line.state = 'waiting';
          waiting.push(line);
          queue.push(now + ABANDON_AFTER_SECONDS * 1000, { kind: 'abandon', line });
        }
        break;
      }
      case 'abandon': {
        if (e.line.state !== 'waiting') break;
        e.line.state = 'abandoned';
        waiting.splice(waiting.indexOf(e.line), 1);
        hours[Math.floor(e.line.answerMs / 3_600_000)]!.abandoned++;
        hist.abandoned++;
        break;
      }
      case 'talkEnd': {
        Object.assign(e.agent, { state: 'wrap_up', sinceMs: now });
        hist.talks.push(now, e.agent.talkS);
        queue.push(now + e.agent.wrapS * 1000, { kind: 'free', agent: e.agent });
        break;
      }
      case 'free': {
        Object.assign(e.agent, { state: 'available', sinceMs: now });
        hist.wraps.push(now, e.agent.wrapS);
        const line = waiting.shift();
        if (line !== undefined) connect(line, e.agent, now);
        break;
      }
    }
  }

  const answered = hours.reduce((s, h) => s + h.answered, 0);
  const abandoned = hours.reduce((s, h) => s + h.abandoned, 0);
  const rate = (h: { answered: number; abandoned: number }) =>
    h.answered === 0 ? 0 : h.abandoned / h.answered;
  return {
    pacer,
    dials: next,
    answered,
    abandoned,
    utilisation: talkMs / (o.agents * endMs),
    meanWaitSeconds: connects === 0 ? 0 : waitMs / connects / 1000,
    abandonRate: rate({ answered, abandoned }),
    worstHourAbandonRate: Math.max(0, ...hours.map(rate)),
    callsPerAgentHour: connects / (o.agents * o.hours),
    hours,
  };
}

/** When the agent will be free: the end of its talk and wrap-up. */
function freeAt(a: Agent): number | undefined {
  switch (a.state) {
    case 'on_call':
      return a.sinceMs + (a.talkS + a.wrapS) * 1000;
    case 'wrap_up':
      return a.sinceMs + a.wrapS * 1000;
    default:
      return undefined;
  }
}

function longestIdle(agents: Agent[]): Agent | undefined {
  let best: Agent | undefined;
  for (const a of agents)
    if (a.state === 'available' && (best === undefined || a.sinceMs < best.sinceMs)) best = a;
  return best;
}
