/**
 * The ARI event websocket (`/ari/events?app=NAME&subscribeAll=false`) for one application on
 * one Asterisk: connects, checks liveness with pings, reconnects with backoff, and hands each
 * event to the caller in order. Nothing here throws into the event loop: every failure is
 * reported to `onError` as an AriError (errors.ts) and the socket goes on until `close()`.
 */
import type { ClientRequest, IncomingMessage } from 'node:http';
import WebSocket, { type RawData } from 'ws';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';
import { AriProtocolError, AriTimeout, AriUnavailable, errorForStatus, asteriskMessageOf } from './errors.js';
import { parseAriEvent, type AriEvent } from './events.js';
import { SerialQueue } from './serial.js';
import type { AriSocketCloseInfo, AriSocketOptions, AriSocketState } from './socket.options.js';
import { systemTimers, type Timers } from './timers.js';
import { basicAuthorization } from './transport.js';
import { eventsUrl, normaliseAriUrl } from './url.js';

/** One connection attempt and the timers that belong to it. */
interface Link {
  ws: WebSocket;
  /** Its failure was already reported (refused upgrade, timeout): the 'error' that follows is not news. */
  reported: boolean;
  opened: boolean;
  connectTimer?: unknown;
  pingTimer?: unknown;
  pongTimer?: unknown;
  closed?: () => void;
}

export type { AriSocketCloseInfo, AriSocketOptions, AriSocketState };

const WHERE = { method: 'WS', path: '/events' } as const;

/** Opens the event websocket at once; see AriSocketOptions. */
export function openAriSocket(options: AriSocketOptions): AriSocket {
  return new AriSocket(options);
}

/** The event websocket of one application on one Asterisk; see the module comment. */
export class AriSocket {
  readonly #o: AriSocketOptions;
  readonly #url: string;
  readonly #authorization: string;
  readonly #timers: Timers;
  readonly #backoff: BackoffOptions;
  readonly #queue: SerialQueue;
  #state: AriSocketState = 'connecting';
  #link: Link | undefined;
  #attempt = 0;
  #retryTimer: unknown;

  /** Prefer openAriSocket; throws AriConfigError for an unusable URL or user. */
  constructor(options: AriSocketOptions) {
    this.#o = options;
    this.#url = eventsUrl(normaliseAriUrl(options.url), options.app, options.subscribeAll ?? false);
    this.#authorization = basicAuthorization(options.username, options.password);
    this.#timers = options.timers ?? systemTimers;
    this.#backoff = { ...DEFAULT_BACKOFF, random: Math.random, ...options.backoff };
    this.#queue = new SerialQueue((err) => this.#report(err));
    this.#connect();
  }

  get state(): AriSocketState {
    return this.#state;
  }

  /** Events received and not yet handed to onEvent (grows while a handler is slow). */
  get backlog(): number {
    return this.#queue.pending;
  }

  /**
   * Stops for good: no reconnection, no callback after this returns (but one already running).
   * Resolves once the connection is closed.
   */
  close(): Promise<void> {
    if (this.#state === 'closed') return Promise.resolve();
    this.#state = 'closed';
    this.#queue.clear();
    this.#timers.clearTimeout(this.#retryTimer);
    const link = this.#link;
    if (!link) return Promise.resolve();
    this.#timers.clearTimeout(link.pingTimer);
    this.#timers.clearTimeout(link.pongTimer);
    const done = new Promise<void>((resolve) => (link.closed = resolve));
    if (link.opened) link.ws.close(1000, 'closing');
    else link.ws.terminate();
    // A peer that never answers the close frame is cut off.
    link.connectTimer = this.#timers.setTimeout(() => link.ws.terminate(), 1000);
    return done;
  }

  #connect(): void {
    this.#state = 'connecting';
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.#url, {
        headers: { authorization: this.#authorization },
        perMessageDeflate: false,
      });
    } catch (err) {
      this.#report(new AriUnavailable('cannot open the event websocket', { ...WHERE, cause: err }));
      this.#retry(1006, '');
      return;
    }
    const link: Link = { ws, reported: false, opened: false };
    this.#link = link;
    // Listeners first: an 'error' without one would be thrown into the event loop.
    ws.on('error', (err) => this.#onError(link, err));
    ws.on('unexpected-response', (req, res) => this.#onRefused(link, req, res));
    ws.on('open', () => this.#onOpen(link));
    ws.on('message', (data) => this.#onMessage(link, data));
    ws.on('pong', () => this.#onPong(link));
    ws.on('close', (code, reason) => this.#onClose(link, code, reason.toString('utf8')));
    link.connectTimer = this.#timers.setTimeout(() => {
      this.#fail(link, new AriTimeout(`no websocket within ${this.#connectTimeout} ms`, WHERE));
    }, this.#connectTimeout);
  }

  get #connectTimeout(): number {
    return this.#o.connectTimeoutMs ?? 10_000;
  }

  #onOpen(link: Link): void {
    if (link !== this.#link || this.#state === 'closed') return;
    this.#timers.clearTimeout(link.connectTimer);
    link.opened = true;
    this.#state = 'open';
    this.#attempt = 0;
    this.#schedulePing(link);
    const onOpen = this.#o.onOpen;
    if (onOpen) this.#queue.push(() => onOpen.call(this.#o));
  }

  #onMessage(link: Link, data: RawData): void {
    if (link !== this.#link || this.#state === 'closed') return;
    let event: AriEvent;
    try {
      event = parseAriEvent(textOf(data));
    } catch (err) {
      this.#report(err);
      return;
    }
    this.#queue.push(() => this.#o.onEvent(event));
  }

  #schedulePing(link: Link): void {
    link.pingTimer = this.#timers.setTimeout(() => {
      link.pingTimer = undefined;
      try {
        link.ws.ping();
      } catch (err) {
        this.#fail(link, new AriUnavailable('cannot ping the event websocket', { ...WHERE, cause: err }));
        return;
      }
      const timeout = this.#o.pongTimeoutMs ?? 5000;
      link.pongTimer = this.#timers.setTimeout(() => {
        this.#fail(link, new AriTimeout(`no pong within ${timeout} ms: connection considered dead`, WHERE));
      }, timeout);
    }, this.#o.pingIntervalMs ?? 10_000);
  }

  #onPong(link: Link): void {
    if (link !== this.#link || link.pongTimer === undefined) return;
    this.#timers.clearTimeout(link.pongTimer);
    link.pongTimer = undefined;
    this.#schedulePing(link);
  }

  /** A refused upgrade (401, 400 without app, 503 while booting …): report Asterisk's answer. */
  #onRefused(link: Link, _req: ClientRequest, res: IncomingMessage): void {
    link.reported = true;
    let body = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      if (body.length < 4096) body += chunk;
    });
    res.on('error', () => undefined);
    res.on('end', () => {
      if (this.#state === 'closed') return;
      const status = res.statusCode ?? 0;
      this.#report(errorForStatus(status, { ...WHERE, asteriskMessage: asteriskMessageOf(body) }));
      link.ws.terminate();
    });
  }

  #onError(link: Link, err: Error): void {
    if (link.reported || this.#state === 'closed') return;
    link.reported = true;
    const code = (err as { code?: unknown }).code;
    const wsProtocol = typeof code === 'string' && code.startsWith('WS_ERR_');
    this.#report(
      wsProtocol
        ? new AriProtocolError('invalid websocket frame', { ...WHERE, cause: err })
        : new AriUnavailable(
            link.opened
              ? 'event websocket failed'
              : `cannot open the event websocket (${String(code ?? err.name)})`,
            { ...WHERE, cause: err },
          ),
    );
  }

  /** Reports `err` for this connection and ends it; 'close' follows and schedules the retry. */
  #fail(link: Link, err: Error): void {
    if (!link.reported) this.#report(err);
    link.reported = true;
    link.ws.terminate();
  }

  #onClose(link: Link, code: number, reason: string): void {
    this.#timers.clearTimeout(link.connectTimer);
    this.#timers.clearTimeout(link.pingTimer);
    this.#timers.clearTimeout(link.pongTimer);
    link.closed?.();
    if (link !== this.#link) return;
    this.#link = undefined;
    if (this.#state === 'closed') {
      this.#notifyClose({ code, reason, reconnectInMs: undefined });
      return;
    }
    this.#retry(code, reason);
  }

  #retry(code: number, reason: string): void {
    const delay = backoffDelay(this.#attempt++, this.#backoff);
    this.#state = 'waiting';
    this.#notifyClose({ code, reason, reconnectInMs: delay });
    this.#retryTimer = this.#timers.setTimeout(() => {
      if (this.#state === 'waiting') this.#connect();
    }, delay);
  }

  #notifyClose(info: AriSocketCloseInfo): void {
    try {
      this.#o.onClose?.(info);
    } catch (err) {
      this.#report(err);
    }
  }

  #report(err: unknown): void {
    try {
      this.#o.onError?.(err);
    } catch {
      // The error callback itself failed: there is nowhere left to report to.
    }
  }
}

/** A message's text; Asterisk sends text frames, but a binary one is read the same way. */
function textOf(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
