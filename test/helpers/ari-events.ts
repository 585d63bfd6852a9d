import type { AriEvent } from '../../src/ari/events.js';

/**
 * Collects what an AriSocket delivers and lets a test wait for an event (or an error) by what
 * it is, never by time.
 */
export class EventLog {
  readonly events: AriEvent[] = [];
  readonly errors: unknown[] = [];
  readonly #waiters: (() => void)[] = [];

  readonly onEvent = (e: AriEvent): void => {
    this.events.push(e);
    this.#wake();
  };

  readonly onError = (err: unknown): void => {
    this.errors.push(err);
    this.#wake();
  };

  /** Resolves with the first event (from `from` on) that matches. */
  async event(match: (e: AriEvent) => boolean, from = 0): Promise<AriEvent> {
    for (;;) {
      const found = this.events.slice(from).find(match);
      if (found) return found;
      await new Promise<void>((r) => this.#waiters.push(r));
    }
  }

  /** Resolves with the first error (from `from` on) that matches. */
  async error(match: (e: unknown) => boolean, from = 0): Promise<unknown> {
    for (;;) {
      const found = this.errors.slice(from).find(match);
      if (found !== undefined) return found;
      await new Promise<void>((r) => this.#waiters.push(r));
    }
  }

  /** Types of the events so far, `Dial(RINGING)`-style for dials. */
  types(filter: (e: AriEvent) => boolean = () => true): string[] {
    return this.events.filter(filter).map(describe);
  }

  #wake(): void {
    for (const w of this.#waiters.splice(0)) w();
  }
}

/** `Dial(RINGING)`, `ChannelStateChange(Up)`, `ChannelVarset(STASISSTATUS)`, or the bare type. */
export function describe(e: AriEvent): string {
  const r = e as Record<string, any>;
  if (e.type === 'Dial') return `Dial(${r.dialstatus})`;
  if (e.type === 'ChannelStateChange') return `ChannelStateChange(${r.channel.state})`;
  if (e.type === 'ChannelVarset') return `ChannelVarset(${r.variable})`;
  return e.type;
}
