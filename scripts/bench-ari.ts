/**
 * npm run bench:ari — call control against a fake Asterisk (scripts/bench-ari-fake.ts, its own
 * process) and a real PostgreSQL. See docs/performance.md.
 *
 * 1. Click-to-call set-up: agents click to call through the HTTP API, the fake answers both
 *    legs at once, CapConduit bridges them; each agent hangs up and calls again. Reported: calls
 *    set up per second (agent rings → customer dialled with a caller ID → bridged) and the time
 *    from the click to the bridge.
 * 2. Event handling: the fake sends the captured click-to-call's events at a fixed rate (ids made
 *    unique); reported: latency from the fake's send to the end of CapConduit's handling (p50,
 *    p99, max) and CapConduit's CPU per event (this process: the connector, its queue and its
 *    database client; PostgreSQL's own CPU is not in it).
 *
 *   TEST_DATABASE_URL    admin connection (default postgres://postgres@127.0.0.1:5432/postgres)
 *   BENCH_SECONDS        length of each phase (default 10)
 *   BENCH_AGENTS         agents calling at once in phase 1 (default 64)
 *   BENCH_EVENT_RATE     events/s in phase 2 (default 2000)
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { startAriConnector } from '../src/ari/connector.js';
import type { AriEvent } from '../src/ari/index.js';
import type { ServerRecord } from '../src/ari/servers.repo.js';
import { migrate } from '../src/db/migrate.js';
import { createPostgresDb } from '../src/db/postgres.js';
import { buildApp } from '../src/http/app.js';
import { createMetrics } from '../src/ops/metrics.js';
import { createServices } from '../src/services.js';
import { systemClock } from '../src/shared/clock.js';
import { createThrowawayDatabase } from '../test/helpers/db.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const AGENTS = Number(process.env.BENCH_AGENTS ?? 64);
const EVENT_RATE = Number(process.env.BENCH_EVENT_RATE ?? 2000);
const APP = 'bench';

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};
const now = () => performance.timeOrigin + performance.now();

function startFake(): Promise<{ child: ChildProcess; url: string; username: string; password: string }> {
  const child = fork(new URL('./bench-ari-fake.ts', import.meta.url).pathname, [String(AGENTS)], {
    execArgv: [
      '--import',
      'tsx',
      ...(process.env.BENCH_FAKE_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_FAKE_PROF] : []),
    ],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (m) => {
      const ready = m as { url: string; username: string; password: string };
      resolve({ child, url: ready.url, username: ready.username, password: ready.password });
    });
    child.once('exit', (code) => reject(new Error(`the fake exited ${code}`)));
  });
}

async function main() {
  const database = await createThrowawayDatabase();
  const db = createPostgresDb({ connectionString: database.url, max: 20 });
  await migrate(db);
  const s = createServices({
    db,
    clock: systemClock,
    config: {
      sessionTtlHours: 12,
      loginMaxFailures: 5,
      loginLockoutSeconds: 60,
      defaultPhoneRegion: 'US',
      secretKey: randomBytes(32),
    },
  });
  const fake = await startFake();
  const app = await buildApp({ db, services: s, metrics: createMetrics(), logger: false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  const base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;

  const admin = await s.users.create({
    email: 'bench-admin@x.example',
    name: 'a',
    role: 'admin',
    password: 'password-1',
  });
  const actor = { id: admin.id, email: admin.email, name: 'a', role: 'admin' as const };
  await s.settings.set(actor, 'callerid.agent_requests_per_minute', 100_000);
  await s.settings.set(actor, 'agents.wrap_up_seconds', 0);
  for (let i = 0; i < AGENTS * 3; i++) await s.callerId.add({ caller_id: `+1212555${String(1000 + i)}` });
  await s.servers.create({
    name: 'bench',
    pbx: 'bench',
    ari_url: fake.url,
    ari_username: fake.username,
    ari_password: fake.password,
    app_name: APP,
  });

  const tokens: { token: string; agentId: number }[] = [];
  for (let i = 0; i < AGENTS; i++) {
    const email = `bench-agent${i}@x.example`;
    const u = await s.users.create({ email, name: `agent ${i}`, role: 'agent', password: 'password-1' });
    const { agent } = await s.agents.create(actor, { user_id: u.id, extension: String(2000 + i) });
    const login = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: 'password-1' }),
    });
    tokens.push({ token: ((await login.json()) as { token: string }).token, agentId: agent.id });
  }

  // Phase bookkeeping, fed by the handler wrapper below.
  const connected = new Map<number, () => void>();
  const done = new Set<number>();
  const latencies: number[] = [];
  let handled = 0;
  let failed = 0;
  /**
   * Transactions committed in the bench's database (each statement outside a transaction is one):
   * PostgreSQL's statistics, flushed by every backend at most once a second, hence the wait.
   */
  const transactions = async () => {
    await new Promise((r) => setTimeout(r, 1500));
    const { rows } = await db.query<{ n: string }>(
      'SELECT xact_commit::text AS n FROM pg_stat_database WHERE datname = current_database()',
    );
    return Number(rows[0]?.n ?? NaN);
  };
  const events = s.callControl.events;
  const observe = async (server: ServerRecord, client: Parameters<typeof events.event>[1], e: AriEvent) => {
    try {
      await events.event(server, client, e);
    } catch {
      failed += 1;
    }
    handled += 1;
    const ch =
      (e as { channel?: { id?: string }; peer?: { id?: string } }).channel ??
      (e as { peer?: { id?: string } }).peer;
    const sentAt = ch?.id ? Number(ch.id.split('~')[2]) : NaN;
    if (!Number.isNaN(sentAt)) latencies.push(now() - sentAt);
    const args = e.type === 'StasisStart' ? (e as { args?: string[] }).args : undefined;
    if (args?.[0] === 'cc' && args[2] === 'customer') {
      const id = Number(args[1]);
      done.add(id);
      connected.get(id)?.();
    }
  };
  const connector = startAriConnector({
    servers: s.servers,
    holder: 'bench',
    clock: systemClock,
    log: pino({ level: 'warn' }),
    handlers: {
      connected: (server, client) => events.repair(server, client),
      event: observe,
      sweep: (server, client) => events.repair(server, client),
    },
  });
  // Registered (the connector's first re-read) and available.
  for (;;) {
    const page = await s.agents.list({ registration: 'registered' }, { limit: 1, offset: 0 });
    if (page.total === AGENTS) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  for (const t of tokens) await s.agentStatus.change(t.agentId, { status: 'available' });

  // Phase 1: click-to-call set-up.
  const setups: number[] = [];
  let errors = 0;
  const call = async (path: string, token: string, body?: unknown) => {
    const res = await fetch(base + path, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: (await res.json()) as { id?: number } };
  };
  const xacts0 = await transactions();
  const started = Date.now();
  const until = started + SECONDS * 1000;
  const cpuCalls0 = process.cpuUsage();
  await Promise.all(
    tokens.map(async ({ token }, i) => {
      let n = 0;
      while (Date.now() < until) {
        const t0 = performance.now();
        const number = `+1310${String(2000000 + i * 10_000 + (n++ % 10_000))}`;
        const res = await call('/api/agent-calls', token, { number });
        if (res.status !== 201) {
          errors += 1;
          await new Promise((r) => setTimeout(r, 5));
          continue;
        }
        const id = Number(res.body.id);
        if (!done.has(id)) await new Promise<void>((resolve) => connected.set(id, resolve));
        connected.delete(id);
        setups.push(performance.now() - t0);
        const hung = await call(`/api/agent-calls/${id}/hangup`, token);
        if (hung.status !== 200) errors += 1;
      }
    }),
  );
  const phase1 = (Date.now() - started) / 1000;
  const cpuCalls = process.cpuUsage(cpuCalls0);
  await connector.idle();
  const xacts = (await transactions()) - xacts0;
  console.log(
    `click-to-call: ${setups.length} calls set up in ${phase1.toFixed(1)} s = ${(setups.length / phase1).toFixed(0)} calls/s ` +
      `with ${AGENTS} agents; click → bridged p50 ${pct(setups, 50).toFixed(1)} ms, p99 ${pct(setups, 99).toFixed(1)} ms; ` +
      `errors ${errors}, event handler failures ${failed}; CPU ${((cpuCalls.user + cpuCalls.system) / 1000 / Math.max(1, setups.length)).toFixed(1)} ms per call; ` +
      `${(xacts / Math.max(1, setups.length)).toFixed(0)} database transactions per call`,
  );

  // Phase 2: events at a fixed rate.
  await connector.idle();
  latencies.length = 0;
  handled = 0;
  failed = 0;
  const cpu0 = process.cpuUsage();
  const sent = await new Promise<number>((resolve) => {
    fake.child.once('message', (m) => resolve((m as { sent: number }).sent));
    fake.child.send({ type: 'blast', app: APP, rate: EVENT_RATE, seconds: SECONDS });
  });
  await connector.idle();
  const cpu = process.cpuUsage(cpu0);
  const cpuPerEvent = (cpu.user + cpu.system) / Math.max(1, handled);
  console.log(
    `events: ${sent} sent at ${EVENT_RATE}/s, ${handled} handled (${failed} failed); latency send → handled ` +
      `p50 ${pct(latencies, 50).toFixed(2)} ms, p99 ${pct(latencies, 99).toFixed(2)} ms, max ${Math.max(...latencies).toFixed(2)} ms; ` +
      `CPU ${cpuPerEvent.toFixed(0)} µs per event (${((cpu.user + cpu.system) / 1e4 / SECONDS).toFixed(0)} % of a core)`,
  );

  await connector.stop();
  fake.child.send({ type: 'stop' });
  await app.close();
  await db.close();
  await database.drop();
}

await main();
