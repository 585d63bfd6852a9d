/** What openAriSocket (socket.ts) takes and reports. */
import type { BackoffOptions } from './backoff.js';
import type { AriEvent } from './events.js';
import type { Timers } from './timers.js';

/** The application, the server, the callbacks, and the liveness and retry settings. */
export interface AriSocketOptions {
  /** The server's ARI URL and user, as for createAriClient. */
  url: string;
  username: string;
  password: string;
  /** The Stasis application whose events to receive. */
  app: string;
  /** Every event of the system, not just the application's (default false). */
  subscribeAll?: boolean;
  /**
   * Each event, in order. When it returns a promise the next event waits for it; what it
   * throws or rejects with goes to onError.
   */
  onEvent(event: AriEvent): unknown;
  /**
   * After every (re)connection, before the events that follow it: the place to read channels
   * and bridges again. Events arriving meanwhile wait until its promise settles.
   */
  onOpen?(): unknown;
  /** Every failure (never thrown): AriError subclasses, or what a callback threw. */
  onError?(error: unknown): void;
  /** The connection ended; `reconnectInMs` is undefined after close(). */
  onClose?(info: AriSocketCloseInfo): void;
  /** A ping after this long without one (default 10 000 ms)… */
  pingIntervalMs?: number;
  /** …and the connection is dead when its pong takes longer than this (default 5 000 ms). */
  pongTimeoutMs?: number;
  /** Time for the TCP connection and websocket upgrade (default 10 000 ms). */
  connectTimeoutMs?: number;
  backoff?: Partial<BackoffOptions>;
  /** Injected by tests; Node's timers otherwise. */
  timers?: Timers;
}

/** Why a connection ended and when the next one is tried. */
export interface AriSocketCloseInfo {
  code: number;
  reason: string;
  reconnectInMs: number | undefined;
}

/** `waiting`: between a lost connection and the next attempt. */
export type AriSocketState = 'connecting' | 'open' | 'waiting' | 'closed';
