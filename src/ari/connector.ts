import type { Logger } from 'pino';
import type { Clock } from '../shared/clock.js';
import { createAriClient, openAriSocket, type AriClient, type AriEvent, type AriSocket } from './index.js';
import type { ServerRecord } from './servers.repo.js';
import type { ServersService } from './servers.service.js';

/** What the connector does with a server it holds. */
export interface AriHandlers {
  /**
   * After every (re)connection, before the events that follow it: read the server's channels
   * and bridges again and repair what changed while nobody listened.
   */
  connected(server: ServerRecord, client: AriClient): Promise<void>;
  /** One event, in order. */
  event(server: ServerRecord, client: AriClient, event: AriEvent): Promise<void>;
  /** Every minute while held: compare the server's live channels with the calls CapConduit holds. */
  sweep(server: ServerRecord, client: AriClient): Promise<void>;
}

interface Held {
  server: ServerRecord;
  client: AriClient;
  socket: AriSocket;
  renewedAt: number;
}

/** What a server's connection depends on: when one of these changes, it is opened again. */
const identity = (s: ServerRecord) => `${s.ari_url}|${s.ari_username}|${s.ari_password}|${s.app_name}`;

/**
 * The ARI connector role: one event websocket per enabled Asterisk server, held by exactly one
 * CapConduit process at a time. Asterisk gives a Stasis application to whichever websocket
 * registered it last and silently stops sending the previous one events, so a process opens a
 * server's socket only while it holds that server's lease in PostgreSQL (servers.repo.ts#lease),
 * renews it every tick, and closes the socket as soon as it cannot; another process takes the
 * lease over within `leaseMs` of this one dying.
 */
export function startAriConnector(deps: {
  servers: ServersService;
  handlers: AriHandlers;
  /** This process's name in the lease table (host, pid and a random part). */
  holder: string;
  clock: Clock;
  log: Pick<Logger, 'info' | 'warn' | 'error'>;
  leaseMs?: number;
  tickMs?: number;
  sweepMs?: number;
  /** Told how long each event took to handle (metrics, the benchmark). */
  observe?: (type: string, ms: number, ok: boolean) => void;
  /** Options for the sockets (tests: faster pings and backoff). */
  socket?: { pingIntervalMs?: number; pongTimeoutMs?: number; backoff?: { baseMs?: number; maxMs?: number } };
}) {
  const leaseMs = deps.leaseMs ?? 15_000;
  const tickMs = deps.tickMs ?? Math.floor(leaseMs / 3);
  const sweepMs = deps.sweepMs ?? 60_000;
  const held = new Map<number, Held>();
  const dispatch = new KeyedQueue((err) => deps.log.error({ err }, 'ARI event handler failed'));
  const repo = deps.servers.repo;
  let stopped = false;

  function open(server: ServerRecord): Held {
    const conn = deps.servers.connection(server);
    const client = createAriClient({ url: conn.url, username: conn.username, password: conn.password });
    const h: Held = { server, client, renewedAt: deps.clock.now().getTime(), socket: undefined as never };
    h.socket = openAriSocket({
      ...deps.socket,
      url: conn.url,
      username: conn.username,
      password: conn.password,
      app: conn.app,
      onOpen: async () => {
        deps.log.info({ server: server.name }, 'ARI connected');
        await health(server, client);
        await deps.handlers.connected(server, client);
      },
      // Not awaited: events of one channel run in order, those of different channels side by side.
      onEvent: (event) => {
        if (event.type === 'ApplicationReplaced') {
          // Another websocket registered our application: Asterisk sends it the events now.
          deps.log.error(
            { server: server.name, app: conn.app },
            'another connection took the Stasis application',
          );
          void repo
            .setHealth(server.id, {
              status: 'error',
              error: `another connection registered the application ${conn.app}`,
              at: deps.clock.now(),
            })
            .catch(() => undefined);
        }
        dispatch.push(routingKey(event), async () => {
          const started = performance.now();
          let ok = false;
          try {
            await deps.handlers.event(h.server, client, event);
            ok = true;
          } finally {
            deps.observe?.(event.type, performance.now() - started, ok);
          }
        });
      },
      onError: (err) => deps.log.warn({ err, server: server.name }, 'ARI connection problem'),
      onClose: (info) => {
        if (info.reconnectInMs === undefined) return;
        deps.log.warn({ server: server.name, ...info }, 'ARI connection lost; reconnecting');
        void repo
          .setHealth(server.id, {
            status: 'error',
            error: `connection lost: ${info.reason || info.code}`,
            at: deps.clock.now(),
          })
          .catch(() => undefined);
      },
    });
    return h;
  }

  async function health(server: ServerRecord, client: AriClient): Promise<void> {
    try {
      const info = await client.asterisk.info(['system']);
      await repo.setHealth(server.id, {
        status: 'ok',
        version: info.system?.version ?? null,
        error: null,
        at: deps.clock.now(),
      });
    } catch (err) {
      await repo
        .setHealth(server.id, { status: 'error', error: (err as Error).message, at: deps.clock.now() })
        .catch(() => undefined);
    }
  }

  async function drop(id: number, release: boolean): Promise<void> {
    const h = held.get(id);
    if (!h) return;
    held.delete(id);
    await h.socket.close();
    if (release) await repo.release(id, deps.holder).catch(() => undefined);
    deps.log.info({ server: h.server.name }, 'ARI connection given up');
  }

  /** Takes, keeps or gives up each enabled server's lease, and opens or closes its socket to match. */
  async function tick(): Promise<void> {
    const now = deps.clock.now();
    let servers: ServerRecord[];
    try {
      servers = await deps.servers.enabled();
    } catch {
      // The database is away: nobody can take a lease now; ours run out by our own clock.
      for (const [id, h] of held) if (now.getTime() - h.renewedAt > leaseMs) await drop(id, false);
      return;
    }
    for (const id of held.keys()) if (!servers.some((s) => s.id === id)) await drop(id, true);
    for (const s of servers) {
      const ours = await repo.lease(s.id, deps.holder, leaseMs).catch(() => undefined);
      const h = held.get(s.id);
      if (ours === true) {
        if (h && identity(h.server) !== identity(s)) await drop(s.id, false);
        const current = held.get(s.id) ?? open(s);
        current.renewedAt = now.getTime();
        current.server = s;
        held.set(s.id, current);
      } else if (h && (ours === false || now.getTime() - h.renewedAt > leaseMs)) {
        await drop(s.id, false);
      }
    }
  }

  async function sweep(): Promise<void> {
    for (const h of held.values()) {
      if (h.socket.state !== 'open') continue;
      await deps.handlers
        .sweep(h.server, h.client)
        .catch((err: unknown) => deps.log.warn({ err, server: h.server.name }, 'ARI channel sweep failed'));
    }
  }

  const guard = (name: string, fn: () => Promise<void>) => {
    let running = false;
    return () => {
      if (running || stopped) return;
      running = true;
      void fn()
        .catch((err: unknown) => deps.log.error({ err, job: name }, 'ARI connector job failed'))
        .finally(() => (running = false));
    };
  };
  const runTick = guard('lease', tick);
  const tickTimer = setInterval(runTick, tickMs);
  const sweepTimer = setInterval(guard('sweep', sweep), sweepMs);
  runTick();

  return {
    /** Servers this process holds now (ids). */
    holding: () => [...held.keys()],
    /** Settles when the events received so far have been handled. */
    idle: () => dispatch.idle(),
    /** The client of a server this process holds, for requests from this process. */
    clientOf: (serverId: number) => held.get(serverId)?.client,
    async stop(): Promise<void> {
      stopped = true;
      clearInterval(tickTimer);
      clearInterval(sweepTimer);
      for (const id of [...held.keys()]) await drop(id, true);
      // Events already received finish before the caller closes the database under them.
      await dispatch.idle();
    },
  };
}

export type AriConnector = ReturnType<typeof startAriConnector>;

/**
 * What orders an event: its channel (StasisStart, ChannelDestroyed … of one channel are handled
 * one after another, in Asterisk's order), else its recording, endpoint or bridge.
 */
export function routingKey(e: AriEvent): string {
  const f = e as {
    channel?: { id?: unknown };
    peer?: { id?: unknown };
    recording?: { name?: unknown };
    endpoint?: { resource?: unknown };
    bridge?: { id?: unknown };
  };
  const id = f.channel?.id ?? f.peer?.id;
  if (typeof id === 'string') return `channel:${id}`;
  if (typeof f.recording?.name === 'string') return `recording:${f.recording.name}`;
  if (typeof f.endpoint?.resource === 'string') return `endpoint:${f.endpoint.resource}`;
  if (typeof f.bridge?.id === 'string') return `bridge:${f.bridge.id}`;
  return 'other';
}

/**
 * Serial queues by key: tasks of one key run one after another, tasks of different keys
 * concurrently. A key's queue is forgotten once it runs dry.
 */
export class KeyedQueue {
  readonly #tails = new Map<string, Promise<void>>();
  readonly #onError: (err: unknown) => void;

  constructor(onError: (err: unknown) => void) {
    this.#onError = onError;
  }

  push(key: string, task: () => Promise<void>): void {
    const run = async () => {
      try {
        await task();
      } catch (err) {
        this.#onError(err);
      }
    };
    const tail = (this.#tails.get(key) ?? Promise.resolve()).then(run);
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
  }

  /** Keys with work queued or running. */
  get size(): number {
    return this.#tails.size;
  }

  /** Settles when everything queued so far has run. */
  async idle(): Promise<void> {
    while (this.#tails.size > 0) await Promise.all([...this.#tails.values()]);
  }
}
