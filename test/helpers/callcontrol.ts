import { pino } from 'pino';
import { startAriConnector, type AriConnector } from '../../src/ari/connector.js';
import type { DbKind } from '../../src/db/db.js';
import { systemClock } from '../../src/shared/clock.js';
import { startTestApp, type Client, type TestApp } from './app.js';
import { startFakeAri, type FakeAri, type FakeChannel } from './fake-ari/index.js';

/** Polls `fn` until it returns something truthy; fails with `what` after `ms`. */
export async function waitFor<T>(what: string, fn: () => Promise<T> | T, ms = 5000): Promise<NonNullable<T>> {
  const until = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as NonNullable<T>;
    } catch (err) {
      last = err;
    }
    if (Date.now() > until)
      throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export interface AgentUser {
  client: Client;
  /** The agents row. */
  id: number;
  userId: number;
  extension: string;
  endpoint: string;
}

export interface Rig {
  t: TestApp;
  fake: FakeAri;
  admin: Client;
  staff: Client;
  server: { id: number; name: string; pbx: string };
  connector: AriConnector;
  agent: AgentUser;
  /** Another agent (for transfers to an extension, and "not your call"). */
  other: AgentUser;
  /** The Stasis application the fake's server is registered with. */
  app: string;
  /** A started connector for this database and fake (a second process in the lease tests). */
  startConnector(holder: string, leaseMs?: number): AriConnector;
  /** The call as the agent's API shows it. */
  call(id: number): Promise<any>;
  /** Waits until the call is in `state` (and `check` holds, if given). */
  until(id: number, state: string, check?: (call: any) => boolean): Promise<any>;
  /** The fake channel of the call's leg of `role` (the last one of that role), once it rings. */
  legChannel(id: number, role: string): Promise<FakeChannel>;
  /** Waits until the call's bridge (`bridge` of the fake, default the call's own) holds exactly `channels`. */
  bridged(id: number, channels: string[], bridge?: string): Promise<void>;
  /** Channels originated on the fake so far (POST /channels and /channels/{id}). */
  originates(): number;
  /** Waits until every event sent so far was handled. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

const silent = pino({ level: 'silent' });

/**
 * A real API over a real database, a fake Asterisk (REST and websocket on a loopback port)
 * registered through the admin API, the real ARI connector holding it, and two agents whose
 * phones registered (the connector reads that from the fake's endpoints) and who are available.
 * The phones and the carrier ring until the test answers them (`fake.answer(id)`).
 */
export async function startRig(kind: DbKind, opts: { app?: string } = {}): Promise<Rig> {
  const app = opts.app ?? 'cap';
  const t = await startTestApp(kind);
  const fake = await startFakeAri({
    endpoints: {
      'PJSIP/agent-1001': { outcome: 'ring', context: 'capconduit-agents' },
      'PJSIP/agent-1002': { outcome: 'ring', context: 'capconduit-agents' },
      'PJSIP/carrier': { outcome: 'ring', context: 'from-carrier' },
    },
  });
  const admin = await t.userClient('admin');
  const staff = await t.userClient('staff');
  const created = await admin.post('/api/asterisk-servers', {
    name: 'PBX one',
    pbx: 'pbx1',
    ari_url: `${fake.url}/ari`,
    ari_username: fake.username,
    ari_password: fake.password,
    app_name: app,
    outbound_trunk: 'PJSIP/{number}@carrier',
  });
  if (created.status !== 201) throw new Error(`server not created: ${JSON.stringify(created.body)}`);
  await t.services.callerId.add({ caller_id: '+12125550100' });
  await t.services.callerId.add({ caller_id: '+13105550100' });

  async function makeAgent(extension: string): Promise<AgentUser> {
    const u = await t.userClient('agent', `Agent ${extension}`);
    const res = await admin.post('/api/agents', { user_id: u.user.id, extension });
    if (res.status !== 201) throw new Error(`agent not created: ${JSON.stringify(res.body)}`);
    return {
      client: u,
      id: res.body.agent.id,
      userId: u.user.id,
      extension,
      endpoint: res.body.agent.endpoint_id,
    };
  }
  const agent = await makeAgent('1001');
  const other = await makeAgent('1002');

  const handlers = t.services.callControl.events;
  const connectors: AriConnector[] = [];
  const startConnector = (holder: string, leaseMs = 2000) => {
    const c = startAriConnector({
      servers: t.services.servers,
      holder,
      clock: systemClock,
      log: silent,
      leaseMs,
      tickMs: 100,
      handlers: {
        connected: (s, client) => handlers.repair(s, client),
        event: (s, client, e) => handlers.event(s, client, e),
        sweep: (s, client) => handlers.repair(s, client),
      },
      socket: { backoff: { baseMs: 20, maxMs: 200 } },
    });
    connectors.push(c);
    return c;
  };
  const connected = fake.waitForConnection(app);
  const connector = startConnector('rig-1');
  await connected;
  for (const a of [agent, other]) {
    await waitFor(`agent ${a.extension} registered`, async () => {
      const me = await a.client.get('/api/me/agent');
      return me.body.registration === 'registered';
    });
    const r = await a.client.put('/api/me/agent/status', { status: 'available' });
    if (r.status !== 200) throw new Error(`agent not available: ${JSON.stringify(r.body)}`);
  }

  const call = async (id: number) => (await admin.get(`/api/agent-calls/${id}`)).body;
  const settle = async () => {
    await fake.flush(app);
    for (const c of connectors) await c.idle();
  };
  return {
    t,
    fake,
    admin,
    staff,
    server: created.body,
    connector,
    agent,
    other,
    app,
    startConnector,
    call,
    settle,
    async until(id, state, check) {
      return waitFor(`call ${id} ${state}`, async () => {
        const c = await call(id);
        return c.state === state && (!check || check(c)) ? c : undefined;
      });
    },
    originates: () =>
      fake.requests.filter((r) => r.method === 'POST' && /^\/channels(\/[^/]+)?$/.test(r.path)).length,
    async bridged(id, channels, bridge) {
      const want = [...channels].sort().join(',');
      await waitFor(`bridge of call ${id} holding ${want}`, () => {
        const b = fake.state.bridges.get(bridge ?? `cc-${id}`);
        return b && [...b.channels].sort().join(',') === want;
      });
    },
    async legChannel(id, role) {
      const leg = await waitFor(`a ${role} leg of call ${id}`, async () =>
        (await call(id)).legs.findLast((l: any) => l.role === role),
      );
      // Once its dial has started (a far end answering before that would be overtaken by it).
      return waitFor(`the fake channel ${leg.channel_id} dialling`, () => {
        const c = fake.channel(leg.channel_id);
        return c && c.state !== 'Down' ? c : undefined;
      });
    },
    async close() {
      for (const c of connectors) await c.stop();
      await fake.stop();
      await t.close();
    },
  };
}
