/**
 * The fake Asterisk's event websocket (`/ari/events?app=NAME`): basic auth and the `app`
 * parameter checked as Asterisk checks them, one active connection per application (a new
 * one replaces the old, which gets ApplicationReplaced), events as one JSON text frame each.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { PbxState } from './state.js';

export class EventHub {
  readonly #wss = new WebSocketServer({ noServer: true, autoPong: false });
  readonly #active = new Map<string, WebSocket>();
  readonly #all = new Set<WebSocket>();
  readonly #waiters: { app: string; resolve: () => void }[] = [];
  /** Every event sent, in order, with the application it went to. */
  readonly sent: { app: string; event: Record<string, unknown> }[] = [];
  /** False: pings go unanswered (a connection that is dead without being closed). */
  pongs = true;
  /** Websocket upgrades seen, accepted or not. */
  upgrades = 0;
  /** Pings received from clients. */
  pings = 0;

  constructor(
    readonly state: PbxState,
    readonly authorized: (req: IncomingMessage) => boolean,
  ) {}

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.upgrades++;
    socket.on('error', () => undefined);
    const url = new URL(req.url ?? '/', 'http://fake');
    if (!this.authorized(req))
      return refuse(
        socket,
        401,
        'application/json',
        JSON.stringify({ message: 'Authentication required' }, null, 2),
      );
    const apps = (url.searchParams.get('app') ?? '').split(',').filter((a) => a !== '');
    if (apps.length === 0)
      return refuse(
        socket,
        400,
        'text/html',
        htmlError(400, 'Bad Request', 'HTTP request is missing param: [app]'),
      );
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#accept(ws, apps));
  }

  #accept(ws: WebSocket, apps: string[]): void {
    this.#all.add(ws);
    ws.on('error', () => undefined);
    ws.on('ping', (data) => {
      this.pings++;
      if (this.pongs) ws.pong(data);
    });
    ws.on('close', () => {
      this.#all.delete(ws);
      for (const [app, active] of this.#active) if (active === ws) this.#active.delete(app);
    });
    for (const app of apps) {
      const previous = this.#active.get(app);
      if (previous) this.#send(previous, app, this.event(app, 'ApplicationReplaced', {}));
      this.#active.set(app, ws);
      this.state.apps.add(app);
    }
    for (const w of this.#waiters.splice(0)) {
      if (apps.includes(w.app)) w.resolve();
      else this.#waiters.push(w);
    }
  }

  /** An event as Asterisk writes it: type, timestamp, its fields, then asterisk_id and application. */
  event(app: string, type: string, fields: Record<string, unknown>): Record<string, unknown> {
    return {
      type,
      timestamp: this.state.timestamp(),
      ...fields,
      asterisk_id: this.state.entityId,
      application: app,
    };
  }

  /** Sends an event to the application's connection; with none connected it is lost, as in Asterisk. */
  emit(app: string | undefined, type: string, fields: Record<string, unknown>): void {
    if (!app) return;
    const ws = this.#active.get(app);
    const event = this.event(app, type, fields);
    this.sent.push({ app, event });
    if (ws) this.#send(ws, app, event);
  }

  /** Sends text as it is (duplicates, events out of order, garbage) to the application's connection. */
  sendRaw(app: string, text: string): boolean {
    const ws = this.#active.get(app);
    if (!ws) return false;
    ws.send(text);
    return true;
  }

  #send(ws: WebSocket, _app: string, event: Record<string, unknown>): void {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(event));
  }

  /** Connections open now for `app` (the active one, 0 or 1). */
  connected(app: string): boolean {
    return this.#active.has(app);
  }

  /** Resolves when a websocket registers `app` (at once if one is connected). */
  waitForConnection(app: string): Promise<void> {
    if (this.#active.has(app)) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ app, resolve }));
  }

  /** Resolves on the next registration of `app`, even if one is connected now. */
  nextConnection(app: string): Promise<void> {
    return new Promise((resolve) => this.#waiters.push({ app, resolve }));
  }

  /**
   * Resolves once the application's client has read every frame sent before: its pong to
   * this ping comes after them (frames are handled in order).
   */
  flush(app: string): Promise<void> {
    const ws = this.#active.get(app);
    if (!ws) return Promise.resolve();
    return new Promise((resolve) => {
      ws.once('pong', () => resolve());
      ws.ping();
    });
  }

  /** Cuts every websocket at the TCP level (no close frame), as a crash or a network loss does. */
  drop(): void {
    for (const ws of this.#all) ws.terminate();
  }

  async close(): Promise<void> {
    this.drop();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }
}

function refuse(socket: Duplex, status: number, type: string, body: string): void {
  const reason = status === 401 ? 'Unauthorized' : 'Bad Request';
  const extra = status === 401 ? 'WWW-Authenticate: Basic realm="Asterisk REST Interface"\r\n' : '';
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nServer: Asterisk/22.10.1\r\nContent-Type: ${type}\r\n${extra}` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** The page ast_http_error writes (res/ari/ari_websockets.c answers a missing app with it). */
function htmlError(status: number, title: string, text: string): string {
  return (
    `<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\r\n<html><head>\r\n<title>${status} ${title}</title>\r\n` +
    `</head><body>\r\n<h1>${title}</h1>\r\n<p>${text}</p>\r\n<hr />\r\n<address>Asterisk Server</address>\r\n</body></html>\r\n`
  );
}
