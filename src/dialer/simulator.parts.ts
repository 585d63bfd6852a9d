/**
 * The simulator's parts (simulator.ts runs them): the call, agent and line records, the event
 * queue on the virtual clock, and the history window the pacer reads, as the worker reads the
 * calls table.
 */
import type { PacingAgent, PacingHistory } from './pacing.js';

export interface Call {
  answered: boolean;
  ringS: number;
  talkS: number;
  wrapS: number;
}

export type Event =
  | { kind: 'free'; agent: Agent } // wrap-up over
  | { kind: 'talkEnd'; agent: Agent }
  | { kind: 'ringEnd'; line: Line } // answered or given up
  | { kind: 'abandon'; line: Line }
  | { kind: 'dial'; call: number } // the oracle's
  | { kind: 'tick' };
/** At one instant: agents free up before answers arrive, and pacing runs last. */
const ORDER: Record<Event['kind'], number> = {
  free: 0,
  talkEnd: 1,
  ringEnd: 2,
  abandon: 3,
  dial: 4,
  tick: 5,
};

export interface Agent {
  state: PacingAgent['state'];
  sinceMs: number;
  /** The current or last call's talk and wrap-up times. */
  talkS: number;
  wrapS: number;
}

export interface Line {
  call: Call;
  dialMs: number;
  answerMs: number;
  state: 'ringing' | 'waiting' | 'connected' | 'abandoned' | 'ended';
}

/** Values stamped with the time they became known, read over the last hour (at most 500). */
class Samples<T> {
  readonly #at: number[] = [];
  readonly #values: T[] = [];
  #start = 0;
  push(atMs: number, value: T): void {
    this.#at.push(atMs);
    this.#values.push(value);
  }
  /** The values of the window ending at `nowMs`. */
  recent(nowMs: number): T[] {
    while (this.#start < this.#at.length && this.#at[this.#start]! <= nowMs - WINDOW_MS) this.#start++;
    return this.#values.slice(Math.max(this.#start, this.#values.length - WINDOW_MAX));
  }
}

const WINDOW_MS = 3_600_000;
const WINDOW_MAX = 500;

/** What the worker reads from the calls table: the last hour's outcomes, the shift's totals. */
export class HistoryWindow {
  readonly lines = new Samples<Line>();
  readonly talks = new Samples<number>();
  readonly wraps = new Samples<number>();
  answered = 0;
  abandoned = 0;

  concluded(nowMs: number, line: Line): void {
    this.lines.push(nowMs, line);
  }

  read(nowMs: number, hour: { answered: number; abandoned: number }): PacingHistory {
    const lines = this.lines.recent(nowMs);
    const answered = lines.filter((l) => l.call.answered);
    return {
      dials: lines.length,
      answered: answered.length,
      abandoned: answered.filter((l) => l.state === 'abandoned').length,
      meanRingToAnswerSeconds: mean(answered.map((l) => l.call.ringS)),
      meanTalkSeconds: mean(this.talks.recent(nowMs)),
      meanWrapSeconds: mean(this.wraps.recent(nowMs)),
      meanUnansweredSeconds: mean(lines.filter((l) => !l.call.answered).map((l) => l.call.ringS)),
      longAnswered: this.answered,
      longAbandoned: this.abandoned,
      hourAnswered: hour.answered,
      hourAbandoned: hour.abandoned,
    };
  }
}

function mean(xs: number[]): number | null {
  return xs.length === 0 ? null : xs.reduce((s, x) => s + x, 0) / xs.length;
}

interface Queued {
  atMs: number;
  seq: number;
  event: Event;
}

/** A binary min-heap on (time, kind order, insertion order): a run is reproducible. */
export class EventQueue {
  readonly #heap: Queued[] = [];
  #seq = 0;
  push(atMs: number, event: Event): void {
    const h = this.#heap;
    h.push({ atMs, seq: this.#seq++, event });
    for (let i = h.length - 1; i > 0;) {
      const up = (i - 1) >> 1;
      if (!before(h[i]!, h[up]!)) break;
      [h[i], h[up]] = [h[up]!, h[i]!];
      i = up;
    }
  }
  pop(): Queued | undefined {
    const h = this.#heap;
    const top = h[0];
    const last = h.pop();
    if (h.length === 0 || last === undefined) return top;
    h[0] = last;
    for (let i = 0; ;) {
      const l = 2 * i + 1;
      const m = l + 1 < h.length && before(h[l + 1]!, h[l]!) ? l + 1 : l;
      if (m >= h.length || !before(h[m]!, h[i]!)) break;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
    return top;
  }
}

function before(a: Queued, b: Queued): boolean {
  if (a.atMs !== b.atMs) return a.atMs < b.atMs;
  const k = ORDER[a.event.kind] - ORDER[b.event.kind];
  return k !== 0 ? k < 0 : a.seq < b.seq;
}
