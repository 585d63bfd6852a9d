/**
 * npm run bench:soak — minutes of steady FastAGI and dashboard load through two CapConduit
 * processes on one throwaway PostgreSQL database, printing each minute the calls done, the
 * failures, FastAGI and HTTP latency, each process's RSS and the size of the calls table. See
 * docs/performance.md, "Soak".
 *
 *   --minutes N        length of the run (default 10); --quick is --minutes 1
 *   --rate N           calls started per second, over both processes (default 30)
 *   --http-rate N      dashboard reads per second, over both processes (default 20)
 *   --talk-ms N        time between the answer and the hangup (default 2000)
 *   --seed-calls N     ended calls written straight into the database before the start (default 0),
 *                      to see the dashboard's reads over a long call log in a short run
 *   --vacuum-every-s N `VACUUM (ANALYZE) calls` every N s (default 0: never), standing in for
 *                      autovacuum on a server that runs without it (this machine's, for CI)
 *   TEST_DATABASE_URL  admin connection (default postgres://postgres@127.0.0.1:5432/postgres)
 *
 * A call cycle is what Asterisk does with the generated dialplan: `route` → the buyer answers →
 * talk → `hangup` (one call in five: the first buyer is busy, `next`, then the answer). Calls go
 * to the two processes in turn, and one hangup in four reaches the other process, as after a
 * FastAGI failover. The HTTP load is what an open dashboard reads, as admin and as a seller: the
 * call log's first page (`/api/calls?limit=50`), a call's detail, the overview (polled every
 * 30 s), the unread count (polled every 30 s); plus one live-calls stream (server-sent events)
 * per process and role, held open for the whole run. A failure is an error, a timeout or a wrong
 * answer (a dial string outside the campaign, a seller shown another seller's call, …). The exit
 * code is 1 when anything failed.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Db } from '../src/db/db.js';
import { migrate } from '../src/db/migrate.js';
import { createPostgresDb } from '../src/db/postgres.js';
import { createServices } from '../src/services.js';
import { systemClock } from '../src/shared/clock.js';
import { runScript, type ScriptResult } from '../test/helpers/agi-client.js';
import { createThrowawayDatabase } from '../test/helpers/db.js';
import { startCapConduit, type CapConduitProcess } from '../test/helpers/process.js';

const { values: opts } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    quick: { type: 'boolean', default: false },
    rate: { type: 'string', default: '30' },
    'http-rate': { type: 'string', default: '20' },
    'talk-ms': { type: 'string', default: '2000' },
    'seed-calls': { type: 'string', default: '0' },
    'vacuum-every-s': { type: 'string', default: '0' },
  },
});
const MINUTES = opts.quick ? 1 : Number(opts.minutes);
const RATE = Number(opts.rate);
const HTTP_RATE = Number(opts['http-rate']);
const TALK_MS = Number(opts['talk-ms']);
const SEED_CALLS = Number(opts['seed-calls']);
const VACUUM_EVERY_S = Number(opts['vacuum-every-s']);
for (const [name, v] of Object.entries({ MINUTES, RATE, HTTP_RATE, TALK_MS, SEED_CALLS, VACUUM_EVERY_S }))
  if (!Number.isFinite(v) || v < 0) throw new Error(`bad ${name}: ${v}`);

const SELLERS = 4;
const CAMPAIGNS_PER_SELLER = 2;
const DIDS_PER_CAMPAIGN = 2;
const LINKS_PER_CAMPAIGN = 2;
const PASSWORD = 'soak-password-1';
const TIMEOUT_MS = 10_000;
/** Calls in progress beyond which a new one is not started (counted as a failure): the host is lost. */
const MAX_IN_PROGRESS = Math.max(500, RATE * (TALK_MS / 1000 + 10));
const PBX = 'soak';

// ---------------------------------------------------------------------------------------------
// The scenario

interface Did {
  number: string;
  sellerId: number;
  /** The dial strings the campaign's links answer with (PJSIP/<client identifier>). */
  dials: Set<string>;
}

interface Scenario {
  adminEmail: string;
  sellerEmail: string;
  sellerId: number;
  dids: Did[];
  campaigns: { id: number; sellerId: number; clients: number[]; links: number[] }[];
}

async function setUp(db: Db): Promise<Scenario> {
  const s = createServices({
    db,
    clock: systemClock,
    config: { sessionTtlHours: 12, loginMaxFailures: 5, loginLockoutSeconds: 60, defaultPhoneRegion: 'US' },
  });
  const adminRow = await s.users.create({
    email: 'soak-admin@x.example',
    name: 'Soak admin',
    role: 'admin',
    password: PASSWORD,
  });
  const admin = { id: adminRow.id, email: adminRow.email, name: 'Soak admin', role: 'admin' as const };
  await s.settings.set(admin, 'billing.increment_seconds', 6);
  const dids: Did[] = [];
  const campaigns: Scenario['campaigns'] = [];
  let firstSeller = 0;
  for (let i = 0; i < SELLERS; i++) {
    const row = await s.users.create({
      email: `soak-seller${i}@x.example`,
      name: `Seller ${i}`,
      role: 'seller',
      password: PASSWORD,
    });
    if (i === 0) firstSeller = row.id;
    const seller = { id: row.id, email: row.email, name: `Seller ${i}`, role: 'seller' as const };
    await s.balances.topUp(admin, seller.id, { amount: '10000000' });
    for (let j = 0; j < CAMPAIGNS_PER_SELLER; j++) {
      const k = i * CAMPAIGNS_PER_SELLER + j;
      const c = await s.campaigns.create(seller, {
        name: `soak ${k}`,
        routing_strategy: (['priority', 'round_robin', 'weighted'] as const)[k % 3]!,
        max_attempts: 3,
      });
      const numbers: string[] = [];
      const didIds: number[] = [];
      for (let d = 0; d < DIDS_PER_CAMPAIGN; d++) {
        const did = await s.dids.addOne({ number: `+1415${String(5000000 + k * 10 + d)}` });
        await s.dids.assign(did.id, seller.id);
        didIds.push(did.id);
        numbers.push(did.number);
      }
      await s.campaigns.attachDids(seller, c.id, didIds);
      const dials = new Set<string>();
      const clients: number[] = [];
      const links: number[] = [];
      for (let l = 0; l < LINKS_PER_CAMPAIGN; l++) {
        const identifier = `soak${k}_${l}`;
        const client = await s.clients.create({
          name: `Buyer ${k}.${l}`,
          client_identifier: identifier,
          sip_host: '192.0.2.1',
          max_concurrency: null,
        });
        const link = await s.links.create(seller, c.id, {
          client_id: client.id,
          max_concurrency: 1000,
          daily_cap: 10_000_000,
          total_calls_allowed: 10_000_000,
          min_billable_duration: 1,
          payout: '2.5',
        });
        dials.add(`PJSIP/${identifier}`);
        clients.push(client.id);
        links.push(link.id);
      }
      campaigns.push({ id: c.id, sellerId: seller.id, clients, links });
      for (const number of numbers) dids.push({ number, sellerId: seller.id, dials });
    }
  }
  return {
    adminEmail: admin.email,
    sellerEmail: 'soak-seller0@x.example',
    sellerId: firstSeller,
    dids,
    campaigns,
  };
}

/**
 * `n` ended calls written in one statement, spread over the scenario's campaigns and links, one
 * every 1/RATE s back from now: the call log a soak of that length would have left. Vacuumed
 * afterwards, as autovacuum would have by then.
 */
async function seedCalls(db: Db, sc: Scenario, n: number): Promise<void> {
  if (n === 0) return;
  const camps = sc.campaigns;
  await db.query(
    `INSERT INTO calls (pbx, uniqueid, generation, state, did, caller_id, campaign_id, seller_id, link_id, client_id,
                        started_at, answered_at, ended_at, duration, billsec, disposition, dial_status, hangup_cause,
                        routing_status, billable, cost, payout, trace, source, plan, attempt_count, did_raw, caller_id_raw)
     SELECT 'seed', 'seed.' || g, 0, 'ended', '+14150000000', '+1212555' || lpad((g % 10000)::text, 4, '0'),
            ($1::bigint[])[1 + g % $4], ($2::bigint[])[1 + g % $4], ($3::bigint[])[1 + g % $4],
            ($7::bigint[])[1 + g % $4],
            now() - ($5::int - g) * $6::interval, now() - ($5::int - g) * $6::interval + interval '1 second',
            now() - ($5::int - g) * $6::interval + interval '3 seconds', 3, 2, 'ANSWERED', 'ANSWER', 16,
            'routed', true, 0.1, 0.05,
            jsonb_build_array(jsonb_build_object('link_id', ($3::bigint[])[1 + g % $4], 'result', 'reserved')),
            'agi', ARRAY[($3::bigint[])[1 + g % $4]], 1, '4150000000', '2125550100'
       FROM generate_series(1, $5::int) g`,
    [
      camps.map((c) => c.id),
      camps.map((c) => c.sellerId),
      camps.map((c) => c.links[0]!),
      camps.length,
      n,
      `${1000 / Math.max(RATE, 1)} milliseconds`,
      camps.map((c) => c.clients[0]!),
    ],
  );
  await db.query('VACUUM (ANALYZE) calls');
}

// ---------------------------------------------------------------------------------------------
// Measurements

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};
const f1 = (x: number) => (Number.isNaN(x) ? '-' : x < 10 ? x.toFixed(1) : x.toFixed(0));

const HTTP_KEYS = ['calls admin', 'calls seller', 'call detail', 'overview', 'notifications'] as const;
type HttpKey = (typeof HTTP_KEYS)[number];

interface Window {
  cycles: number;
  failures: number;
  agiMs: number[];
  http: Record<HttpKey, number[]>;
}
const newWindow = (): Window => ({
  cycles: 0,
  failures: 0,
  agiMs: [],
  http: Object.fromEntries(HTTP_KEYS.map((k) => [k, []])) as unknown as Record<HttpKey, number[]>,
});

interface MinuteRow {
  minute: number;
  cycles: number;
  failures: number;
  agi: [number, number];
  http: Record<HttpKey, [number, number]>;
  rssMb: number[];
  rows: number;
  load: number;
}

let win = newWindow();
const all = newWindow();
const failureKinds = new Map<string, number>();
const failureExamples: string[] = [];
function fail(kind: string, detail: string): void {
  win.failures++;
  all.failures++;
  failureKinds.set(kind, (failureKinds.get(kind) ?? 0) + 1);
  if (failureExamples.length < 20) failureExamples.push(`${kind}: ${detail}`);
}

function rssMb(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms);
    }),
  ]);
}

// ---------------------------------------------------------------------------------------------
// FastAGI: one call as Asterisk makes it

interface Node {
  name: string;
  proc: CapConduitProcess;
  url: string;
  agiPort: number;
}

async function agi(node: Node, script: string, uniqueid: string, args?: string[]): Promise<ScriptResult> {
  const r = await withTimeout(runScript(node.agiPort, { script, uniqueid, args }), TIMEOUT_MS, script);
  win.agiMs.push(r.ms);
  all.agiMs.push(r.ms);
  return r;
}

async function cycle(nodes: [Node, Node], i: number, did: Did, uniqueid: string): Promise<void> {
  const node = nodes[i % 2]!;
  const last = i % 4 === 3 ? nodes[(i + 1) % 2]! : node;
  const busyFirst = i % 5 === 4;
  try {
    const r1 = await agi(node, `route?pbx=${PBX}&did=${encodeURIComponent(did.number)}`, uniqueid);
    const v1 = r1.vars;
    if (v1.CC_STATUS !== 'dial' || !did.dials.has(v1.CC_DIAL ?? '')) {
      fail('route: wrong answer', `${uniqueid} ${JSON.stringify(v1)}`);
      // still hang up, as the PBX would, so nothing stays reserved
    }
    const ids = (v: Record<string, string>) =>
      `pbx=${PBX}&call=${v.CC_CALL ?? ''}&attempt=${v.CC_ATTEMPT ?? ''}`;
    let answered = v1;
    if (busyFirst && v1.CC_STATUS === 'dial') {
      const r2 = await agi(node, `next?${ids(v1)}&status=BUSY`, uniqueid);
      const v2 = r2.vars;
      if (
        v2.CC_STATUS !== 'dial' ||
        !did.dials.has(v2.CC_DIAL ?? '') ||
        v2.CC_DIAL === v1.CC_DIAL ||
        v2.CC_CALL !== v1.CC_CALL
      )
        fail('next: wrong answer', `${uniqueid} ${JSON.stringify(v2)}`);
      answered = v2;
    }
    const ok = answered.CC_STATUS === 'dial';
    if (ok) await sleep(TALK_MS);
    const billsec = ok ? String(Math.round(TALK_MS / 1000)) : '0';
    const duration = ok ? String(Math.round(TALK_MS / 1000) + 1) : '0';
    const r3 = await agi(last, `hangup?${ids(answered)}&did=&fallback=`, uniqueid, [
      ok ? 'ANSWER' : 'NOANSWER',
      billsec,
      billsec,
      duration,
      '16',
    ]);
    if (r3.vars.CC_LOGGED !== '1') fail('hangup: not logged', `${uniqueid} ${JSON.stringify(r3.commands)}`);
    win.cycles++;
    all.cycles++;
  } catch (err) {
    fail('agi: error', `${uniqueid} ${(err as Error).message}`);
  }
}

// ---------------------------------------------------------------------------------------------
// HTTP: what an open dashboard reads

interface Viewer {
  role: 'admin' | 'seller';
  sellerId: number | undefined;
  tokens: Map<string, string>;
  /** Ids from this viewer's last call-log page, for the detail reads. */
  recent: { id: number; seller_id: number | null }[];
}

async function login(node: Node, email: string): Promise<string> {
  const res = await fetch(`${node.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`login ${email}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

async function get(
  node: Node,
  viewer: Viewer,
  key: HttpKey,
  path: string,
): Promise<{ status: number; body: unknown }> {
  const t0 = performance.now();
  const res = await fetch(node.url + path, {
    headers: { authorization: `Bearer ${viewer.tokens.get(node.name)!}` },
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const body: unknown = await res.json();
  const ms = performance.now() - t0;
  win.http[key].push(ms);
  all.http[key].push(ms);
  return { status: res.status, body };
}

interface CallItem {
  id: number;
  seller_id: number | null;
  started_at: string;
}

async function dashboardRead(node: Node, viewer: Viewer, what: number, otherIds: number[]): Promise<void> {
  const who = viewer.role;
  try {
    switch (what) {
      case 0:
      case 1: {
        const key: HttpKey = who === 'admin' ? 'calls admin' : 'calls seller';
        const r = await get(node, viewer, key, '/api/calls?limit=50&offset=0');
        const page = r.body as { items?: CallItem[]; total?: number; limit?: number };
        if (r.status !== 200 || !Array.isArray(page.items) || typeof page.total !== 'number')
          return fail(`${key}: error`, `${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
        if (page.items.length > 50 || page.total < page.items.length)
          return fail(`${key}: wrong answer`, `${page.items.length} items, total ${page.total}`);
        for (let j = 1; j < page.items.length; j++) {
          const a = page.items[j - 1]!;
          const b = page.items[j]!;
          if (a.started_at < b.started_at || (a.started_at === b.started_at && a.id < b.id))
            return fail(`${key}: wrong answer`, `not newest first at ${j}`);
        }
        if (viewer.sellerId !== undefined && page.items.some((c) => c.seller_id !== viewer.sellerId))
          return fail(`${key}: wrong answer`, 'a seller was shown another seller’s call');
        viewer.recent = page.items.map((c) => ({ id: c.id, seller_id: c.seller_id }));
        return;
      }
      case 2: {
        // one seller read in five asks for another seller's call: it must not exist for them
        const foreign = viewer.sellerId !== undefined && otherIds.length > 0 && Math.random() < 0.2;
        const pick = foreign
          ? otherIds[Math.floor(Math.random() * otherIds.length)]
          : viewer.recent[Math.floor(Math.random() * viewer.recent.length)]?.id;
        if (pick === undefined) return;
        const r = await get(node, viewer, 'call detail', `/api/calls/${pick}`);
        if (foreign) {
          if (r.status !== 404) fail('call detail: wrong answer', `seller read call ${pick}: ${r.status}`);
          return;
        }
        const c = r.body as { id?: number; attempts?: unknown[] };
        if (r.status !== 200 || c.id !== pick || !Array.isArray(c.attempts))
          fail('call detail: error', `${pick}: ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
        return;
      }
      case 3: {
        const r = await get(node, viewer, 'overview', '/api/stats/overview?tz=UTC');
        const o = r.body as { today?: { calls?: number } };
        if (r.status !== 200 || typeof o.today?.calls !== 'number')
          fail('overview: error', `${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
        return;
      }
      default: {
        const r = await get(node, viewer, 'notifications', '/api/notifications?limit=1');
        if (r.status !== 200 || typeof (r.body as { unread?: number }).unread !== 'number')
          fail('notifications: error', `${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
        return;
      }
    }
  } catch (err) {
    fail('http: error', `${who} ${what}: ${(err as Error).message}`);
  }
}

/** A live-calls stream held open like an open dashboard tab; counts its events. */
function openStream(
  node: Node,
  viewer: Viewer,
  abort: AbortSignal,
  counts: { events: number },
): Promise<void> {
  return (async () => {
    try {
      const res = await fetch(`${node.url}/api/calls/live/stream?events=live`, {
        headers: { authorization: `Bearer ${viewer.tokens.get(node.name)!}` },
        signal: abort,
      });
      if (res.status !== 200 || !res.body) return fail('stream: error', `${node.name} ${res.status}`);
      const decoder = new TextDecoder();
      let text = '';
      for await (const chunk of res.body) {
        text += decoder.decode(chunk as Uint8Array, { stream: true });
        const end = text.lastIndexOf('\n\n');
        if (end < 0) continue;
        counts.events += (text.slice(0, end).match(/^event: live$/gm) ?? []).length;
        text = text.slice(end + 2);
      }
      if (!abort.aborted) fail('stream: ended early', `${node.name} ${viewer.role}`);
    } catch (err) {
      if (!abort.aborted) fail('stream: error', `${node.name} ${viewer.role}: ${(err as Error).message}`);
    }
  })();
}

// ---------------------------------------------------------------------------------------------

/** Starts `run(i)` `rate` times a second until `until` (an open loop: it does not wait for them). */
async function openLoop(
  rate: number,
  until: number,
  run: (i: number) => Promise<void> | undefined,
  pending: Set<Promise<void>>,
  stopped: () => boolean,
): Promise<void> {
  if (rate <= 0) return;
  const start = performance.now();
  for (let i = 0; ; i++) {
    const at = start + (i * 1000) / rate;
    if (at >= until || stopped()) return;
    const wait = at - performance.now();
    if (wait > 1) await sleep(wait);
    const p = run(i);
    if (p) {
      pending.add(p);
      void p.finally(() => pending.delete(p));
    }
  }
}

async function main(): Promise<number> {
  const target = await createThrowawayDatabase();
  const db = createPostgresDb({ connectionString: target.url, max: 4 });
  const dataDirs: string[] = [];
  const nodes: Node[] = [];
  const streamsAbort = new AbortController();
  let stopping = false;
  const onSignal = () => {
    stopping = true;
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await migrate(db);
    const sc = await setUp(db);
    await seedCalls(db, sc, SEED_CALLS);

    // Two processes with every role, as two nodes of one installation.
    const secretKey = randomBytes(32).toString('base64');
    const internalToken = randomBytes(24).toString('hex');
    for (const name of ['A', 'B']) {
      const dataDir = mkdtempSync(join(tmpdir(), `capconduit-soak-${name}-`));
      dataDirs.push(dataDir);
      const proc = await startCapConduit(
        ['--roles', 'api,agi,worker'],
        {
          DATABASE_URL: target.url,
          DATA_DIR: dataDir,
          INTERNAL_API_TOKEN: internalToken,
          CAPCONDUIT_SECRET_KEY: secretKey,
        },
        /CapConduit is running at (http:\/\/\S+)[\s\S]*FastAGI listening on \S+:(\d+)/,
      );
      nodes.push({ name, proc, url: proc.match[1]!, agiPort: Number(proc.match[2]) });
      proc.child.on('exit', (code, signal) => {
        if (!stopping) {
          fail('process exited', `${name}: ${code ?? signal}\n${proc.output().slice(-2000)}`);
          stopping = true;
        }
      });
    }
    const pair = nodes as [Node, Node];

    const admin: Viewer = { role: 'admin', sellerId: undefined, tokens: new Map(), recent: [] };
    const seller: Viewer = { role: 'seller', sellerId: sc.sellerId, tokens: new Map(), recent: [] };
    for (const node of pair) {
      admin.tokens.set(node.name, await login(node, sc.adminEmail));
      seller.tokens.set(node.name, await login(node, sc.sellerEmail));
    }
    const streamEvents = { events: 0 };
    const streams = pair.flatMap((node) =>
      [admin, seller].map((v) => openStream(node, v, streamsAbort.signal, streamEvents)),
    );

    // What of the server's settings shapes the figures (this machine's CI server runs without autovacuum).
    const server = (
      await db.query<{ version: string; autovacuum: string; jit: string }>(
        `SELECT current_setting('server_version') AS version, current_setting('autovacuum') AS autovacuum,
                current_setting('jit') AS jit`,
      )
    ).rows[0]!;
    const rssStart = pair.map((n) => rssMb(n.proc.child.pid));
    const countRows = async () =>
      (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM calls')).rows[0]!.n;
    console.error(
      `soak: ${MINUTES} min, ${RATE} calls/s, ${HTTP_RATE} reads/s, talk ${TALK_MS} ms, ` +
        `${SEED_CALLS} seeded calls, processes ${pair.map((n) => `${n.name}=${n.proc.child.pid}`).join(' ')}; ` +
        `PostgreSQL ${server.version}, autovacuum ${server.autovacuum}, jit ${server.jit}`,
    );

    const minutes: MinuteRow[] = [];
    const started = performance.now();
    const until = started + MINUTES * 60_000;
    const pending = new Set<Promise<void>>();
    const epoch = Math.floor(Date.now() / 1000);
    let inProgress = 0;

    const report = async (minute: number) => {
      const w = win;
      win = newWindow();
      const row: MinuteRow = {
        minute,
        cycles: w.cycles,
        failures: w.failures,
        agi: [pct(w.agiMs, 50), pct(w.agiMs, 99)],
        http: Object.fromEntries(
          HTTP_KEYS.map((k) => [k, [pct(w.http[k], 50), pct(w.http[k], 99)]]),
        ) as Record<HttpKey, [number, number]>,
        rssMb: pair.map((n) => rssMb(n.proc.child.pid)),
        rows: await countRows(),
        load: loadavg()[0]!,
      };
      minutes.push(row);
      const http = HTTP_KEYS.map((k) => `${k} ${f1(row.http[k][0])}/${f1(row.http[k][1])}`).join(', ');
      console.error(
        `min ${String(minute).padStart(2)}: ${row.cycles} calls, ${row.failures} failures, ` +
          `agi p50/p99 ${f1(row.agi[0])}/${f1(row.agi[1])} ms, http p50/p99 ms: ${http}; ` +
          `rss ${row.rssMb.map((x) => x.toFixed(0)).join('/')} MB, ${row.rows} calls rows, load ${row.load.toFixed(1)}`,
      );
    };

    const ticker = (async () => {
      for (let m = 1; m <= MINUTES; m++) {
        const wait = started + m * 60_000 - performance.now();
        if (wait > 0) await sleep(wait);
        if (stopping) return;
        await report(m);
      }
    })();

    const vacuums = (async () => {
      if (VACUUM_EVERY_S <= 0) return;
      for (let k = 1; ; k++) {
        const at = started + k * VACUUM_EVERY_S * 1000;
        if (at >= until) return;
        if (at > performance.now()) await sleep(at - performance.now());
        if (stopping) return;
        await db.query('VACUUM (ANALYZE) calls');
      }
    })();

    let seq = 0;
    const calls = openLoop(
      RATE,
      until,
      (i) => {
        if (inProgress >= MAX_IN_PROGRESS) {
          fail('overload', `${inProgress} calls in progress`);
          return undefined;
        }
        inProgress++;
        const did = sc.dids[i % sc.dids.length]!;
        return cycle(pair, i, did, `${epoch}.${++seq}`).finally(() => inProgress--);
      },
      pending,
      () => stopping,
    );
    const reads = openLoop(
      HTTP_RATE,
      until,
      (i) => {
        // admin and seller in turn; each: the call log twice, a detail, the overview, the unread count
        const viewer = i % 2 === 0 ? admin : seller;
        const what = Math.floor(i / 2) % 5;
        const node = pair[Math.floor(i / 10) % 2]!;
        const others = admin.recent.filter((c) => c.seller_id !== sc.sellerId).map((c) => c.id);
        return dashboardRead(node, viewer, what, others);
      },
      pending,
      () => stopping,
    );
    await Promise.all([calls, reads]);
    await vacuums;
    await withTimeout(Promise.allSettled([...pending]), TALK_MS + 3 * TIMEOUT_MS, 'calls in progress').catch(
      (err: Error) => fail('drain', err.message),
    );
    await ticker;
    streamsAbort.abort();
    await Promise.allSettled(streams);

    // After the run: every call this run made ended once, nothing left reserved.
    await sleep(1000);
    const check = (
      await db.query<{ logged: number; open: number; held: number }>(
        `SELECT (SELECT count(*)::int FROM calls WHERE pbx = $1 AND state IN ('ended', 'expired')) AS logged,
                (SELECT count(*)::int FROM calls WHERE state NOT IN ('ended', 'expired')) AS open,
                (SELECT count(*)::int FROM campaign_client_settings WHERE in_flight <> 0)
              + (SELECT count(*)::int FROM campaigns WHERE in_flight <> 0)
              + (SELECT count(*)::int FROM clients WHERE in_flight <> 0) AS held`,
        [PBX],
      )
    ).rows[0]!;
    if (check.logged !== all.cycles)
      fail('call log', `${all.cycles} calls completed, ${check.logged} ended calls in the database`);
    if (check.open !== 0) fail('call log', `${check.open} calls still open`);
    if (check.held !== 0) fail('counters', `${check.held} rows with slots still in flight`);

    const rssEnd = pair.map((n) => rssMb(n.proc.child.pid));
    const summary = {
      minutes: MINUTES,
      offered: {
        calls_per_s: RATE,
        reads_per_s: HTTP_RATE,
        talk_ms: TALK_MS,
        seeded_calls: SEED_CALLS,
        vacuum_every_s: VACUUM_EVERY_S,
      },
      calls: all.cycles,
      failures: all.failures,
      failure_kinds: Object.fromEntries(failureKinds),
      agi_ms: { p50: +pct(all.agiMs, 50).toFixed(2), p99: +pct(all.agiMs, 99).toFixed(2) },
      http_ms: Object.fromEntries(
        HTTP_KEYS.map((k) => [
          k,
          {
            n: all.http[k].length,
            p50: +pct(all.http[k], 50).toFixed(2),
            p99: +pct(all.http[k], 99).toFixed(2),
          },
        ]),
      ),
      stream_events: streamEvents.events,
      rss_mb: Object.fromEntries(
        pair.map((n, j) => [
          n.name,
          {
            start: +rssStart[j]!.toFixed(0),
            end: +rssEnd[j]!.toFixed(0),
            max: +Math.max(...minutes.map((m) => m.rssMb[j]!), rssEnd[j]!).toFixed(0),
          },
        ]),
      ),
      calls_rows: await countRows(),
      database: check,
      server,
    };

    // The per-minute figures as a Markdown table (docs/performance.md), then the summary.
    const head = [
      'min',
      'calls',
      'fail',
      'AGI p50/p99',
      ...HTTP_KEYS.map((k) => `${k} p50/p99`),
      'RSS A/B MB',
      'rows',
      'load',
    ];
    console.log(`| ${head.join(' | ')} |`);
    console.log(`| ${head.map(() => '---').join(' | ')} |`);
    for (const m of minutes)
      console.log(
        `| ${[
          m.minute,
          m.cycles,
          m.failures,
          `${f1(m.agi[0])}/${f1(m.agi[1])}`,
          ...HTTP_KEYS.map((k) => `${f1(m.http[k][0])}/${f1(m.http[k][1])}`),
          m.rssMb.map((x) => x.toFixed(0)).join('/'),
          m.rows,
          m.load.toFixed(1),
        ].join(' | ')} |`,
      );
    console.log(JSON.stringify(summary, null, 2));
    if (failureExamples.length > 0)
      console.error(`failures, first ${failureExamples.length}:\n  ${failureExamples.join('\n  ')}`);
    return all.failures > 0 ? 1 : 0;
  } catch (err) {
    console.error('soak failed:', err);
    return 1;
  } finally {
    stopping = true;
    streamsAbort.abort();
    // Only the processes this run started, by their handles.
    await Promise.allSettled(nodes.map((n) => withTimeout(n.proc.stop(), 15_000, `stop ${n.name}`)));
    for (const n of nodes)
      if (n.proc.child.exitCode === null && n.proc.child.signalCode === null) n.proc.child.kill('SIGKILL');
    await db.close();
    await target.drop();
    for (const d of dataDirs) rmSync(d, { recursive: true, force: true });
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

process.exitCode = await main();
