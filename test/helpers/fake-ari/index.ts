/**
 * A fake Asterisk 22 ARI for tests: REST and the event websocket on a real loopback port,
 * channels and bridges kept in memory, Asterisk's status codes and error bodies, and events
 * in Asterisk's order (see calls.ts). Tests script the far ends (answer, busy, no answer,
 * failure causes, hang up), inject raw events, cut the websocket, refuse connections, stall
 * or fail requests, and count them. Start several for several PBXs.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Calls } from './calls.js';
import type { PbxContext } from './context.js';
import { EventHub } from './hub.js';
import { bridgeRoutes } from './rest-bridges.js';
import { channelRoutes } from './rest-channels.js';
import { mediaRoutes } from './rest-media.js';
import { miscRoutes } from './rest-misc.js';
import { fakeWav, recordingRoutes } from './rest-recordings.js';
import { Router, type Interception, type RequestRecord } from './router.js';
import {
  channelJson,
  PbxState,
  type DialOutcome,
  type FakeAriOptions,
  type FakeChannel,
  type FakeEndpointOptions,
} from './state.js';

export type { DialOutcome, FakeAriOptions, FakeChannel, FakeEndpointOptions, Interception, RequestRecord };

export class FakeAri {
  readonly state: PbxState;
  readonly hub: EventHub;
  readonly calls: Calls;
  readonly router: Router;
  readonly username: string;
  readonly password: string;
  readonly #server: Server;
  readonly #pbx: PbxContext;
  #port = 0;

  private constructor(o: FakeAriOptions) {
    this.username = o.username ?? 'cap';
    this.password = o.password ?? 'secret';
    const expected = `Basic ${Buffer.from(`${this.username}:${this.password}`).toString('base64')}`;
    const authorized = (req: IncomingMessage) => req.headers.authorization === expected;
    this.state = new PbxState(
      o.systemName ?? 'harness',
      o.entityId ?? '02:fc:00:00:00:01',
      o.now ?? Date.now,
    );
    this.hub = new EventHub(this.state, authorized);
    this.calls = new Calls(this.state, this.hub);
    this.router = new Router(authorized);
    this.#pbx = {
      state: this.state,
      hub: this.hub,
      calls: this.calls,
      later: (fn) => setImmediate(fn),
      redirects: [],
    };
    for (const add of [channelRoutes, mediaRoutes, bridgeRoutes, recordingRoutes, miscRoutes])
      add(this.router, this.#pbx);
    const endpoints = o.endpoints ?? { 'PJSIP/client1': {}, 'PJSIP/carrier': { context: 'from-carrier' } };
    for (const [name, e] of Object.entries(endpoints)) this.setEndpoint(name, e);
    this.#server = createServer((req, res) => void this.router.handle(req, res));
    this.#server.on('upgrade', (req, socket, head) => {
      if (new URL(req.url ?? '/', 'http://fake').pathname === '/ari/events')
        this.hub.handleUpgrade(req, socket, head);
      else socket.destroy();
    });
  }

  /** Starts a fake Asterisk on 127.0.0.1 and a free port. */
  static async start(options: FakeAriOptions = {}): Promise<FakeAri> {
    const fake = new FakeAri(options);
    await fake.#listen(0);
    return fake;
  }

  get port(): number {
    return this.#port;
  }
  /** The base an operator would configure: `http://127.0.0.1:PORT` (no /ari). */
  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }
  /** Options for createAriClient / openAriSocket. */
  get server(): { url: string; username: string; password: string } {
    return { url: this.url, username: this.username, password: this.password };
  }

  /** Adds or changes an endpoint, e.g. `setEndpoint('PJSIP/client1', { outcome: 'busy' })`. */
  setEndpoint(name: string, o: FakeEndpointOptions): void {
    const [technology = '', resource = ''] = name.split('/');
    const e = this.state.endpoints.get(name);
    const next = {
      technology,
      resource,
      state: 'online' as const,
      context: 'from-clients',
      outcome: 'answer' as DialOutcome,
      ...e,
      ...o,
    };
    if (e) Object.assign(e, next);
    else this.state.endpoints.set(name, next);
  }

  channel(id: string): FakeChannel | undefined {
    return this.state.channels.get(id);
  }

  /** The far end of a ringing dial answers. */
  answer(channelId: string): void {
    this.calls.answerDial(this.#channel(channelId));
  }
  /** The far end of a ringing dial refuses it (17 busy, 34 congestion, 1 unallocated, 21 rejected …). */
  reject(channelId: string, cause = 17): void {
    this.calls.reject(this.#channel(channelId), cause);
  }
  /** The far end hangs up (BYE): ChannelHangupRequest with the cause, StasisEnd, ChannelDestroyed. */
  farHangup(channelId: string, cause = 16): void {
    this.calls.hangup(this.#channel(channelId), cause, false);
  }

  /** A call from outside sent by the dialplan to Stasis(app,args…), as the captured inbound call. */
  inboundCall(
    o: {
      app?: string;
      args?: string[];
      endpoint?: string;
      exten?: string;
      callerNumber?: string;
      callerName?: string;
    } = {},
  ): FakeChannel {
    const endpoint = this.state.endpoints.get(o.endpoint ?? 'PJSIP/carrier');
    if (!endpoint) throw new Error(`no endpoint ${o.endpoint ?? 'PJSIP/carrier'}`);
    const c = this.state.newChannel(endpoint, {
      callerNumber: o.callerNumber ?? 'sipp',
      callerName: o.callerName ?? 'sipp',
    });
    c.app = o.app ?? 'cap';
    c.appArgs = o.args ?? [];
    this.calls.inbound(c, o.exten ?? '7001');
    return c;
  }

  /** The phone sends a DTMF digit / puts the call on hold / takes it off hold. */
  dtmf(channelId: string, digit: string, durationMs = 100): void {
    const c = this.#channel(channelId);
    this.hub.emit(c.app, 'ChannelDtmfReceived', { digit, duration_ms: durationMs, channel: channelJson(c) });
  }
  holdFromPhone(channelId: string, held = true): void {
    const c = this.#channel(channelId);
    this.hub.emit(c.app, held ? 'ChannelHold' : 'ChannelUnhold', { channel: channelJson(c) });
  }

  /** A stored recording, as if an earlier call had made it. */
  addStoredRecording(name: string, format = 'wav', bytes: Buffer = fakeWav(1)): void {
    this.state.stored.set(name, { name, format, bytes });
  }
  /** false: the spool has no `recording` directory (record → 500, list → 500 Allocation failed). */
  setSpoolWritable(writable: boolean): void {
    this.state.spoolWritable = writable;
  }
  /** Blind transfers asked for so far. */
  get redirects(): readonly { channelId: string; endpoint: string }[] {
    return this.#pbx.redirects;
  }

  /** Sends an event object (completed with timestamp, asterisk_id, application) or raw text as it is. */
  inject(app: string, event: string | { type: string; [field: string]: unknown }): boolean {
    if (typeof event === 'string') return this.hub.sendRaw(app, event);
    const { type, ...fields } = event;
    return this.hub.sendRaw(app, JSON.stringify(this.hub.event(app, type, fields)));
  }

  /** Every REST request received (below /ari), in order. */
  get requests(): readonly RequestRecord[] {
    return this.router.requests;
  }
  /** Requests with this method whose path starts with `prefix`. */
  count(method?: string, prefix = ''): number {
    return this.router.requests.filter((r) => (!method || r.method === method) && r.path.startsWith(prefix))
      .length;
  }
  /** Decides the answer to requests before the fake does (undefined: answer normally). */
  intercept(fn: ((r: RequestRecord) => Interception | undefined) | undefined): void {
    this.router.interceptor = fn;
  }

  /** false: pings on the websocket go unanswered. */
  setPongs(on: boolean): void {
    this.hub.pongs = on;
  }
  /** Cuts every websocket without a close frame. */
  dropWebsockets(): void {
    this.hub.drop();
  }
  /** Stops listening (new connections are refused) and cuts every open connection: Asterisk is down. */
  async refuseConnections(): Promise<void> {
    this.hub.drop();
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeAllConnections();
    await closed;
  }
  /** Listens again on the same port: Asterisk is back. */
  acceptConnections(): Promise<void> {
    return this.#listen(this.#port);
  }
  /** Resolves once the application's client has read every event sent so far. */
  flush(app = 'cap'): Promise<void> {
    return this.hub.flush(app);
  }
  waitForConnection(app = 'cap'): Promise<void> {
    return this.hub.waitForConnection(app);
  }
  nextConnection(app = 'cap'): Promise<void> {
    return this.hub.nextConnection(app);
  }

  async stop(): Promise<void> {
    await this.hub.close();
    if (this.#server.listening) await this.refuseConnections();
  }

  #channel(id: string): FakeChannel {
    const c = this.state.channels.get(id);
    if (!c) throw new Error(`fake ARI: no channel ${id}`);
    return c;
  }

  #listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, '127.0.0.1', () => {
        this.#server.off('error', reject);
        this.#port = (this.#server.address() as AddressInfo).port;
        resolve();
      });
    });
  }
}

/** Starts a fake Asterisk; see FakeAri. */
export const startFakeAri = (options?: FakeAriOptions): Promise<FakeAri> => FakeAri.start(options);
