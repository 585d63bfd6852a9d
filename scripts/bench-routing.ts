/**
 * npm run bench:routing — full FastAGI call cycles (route → failed dial → next → hangup)
 * against a real PostgreSQL, through a CapConduit process started with `--roles agi`, and the
 * same SQL replayed straight through the driver as a ceiling. See docs/performance.md.
 *
 *   BENCH_DATABASE_URL   admin connection (default postgres://postgres@127.0.0.1:5432/postgres)
 *   BENCH_SECONDS        length of each phase (default 10)
 *   BENCH_CONCURRENCY    calls in progress in the throughput phases (default 48)
 *   BENCH_RATE           offered calls/s in the latency phase (default 300)
 *   BENCH_SERVER_NODE_ARGS  node flags for the server (e.g. `--cpu-prof`)
 */
import pg from 'pg';
import type { Db, Queryable, QueryResult } from '../src/db/db.js';
import { migrate } from '../src/db/migrate.js';
import { withRetry } from '../src/db/retry.js';
import { createPostgresDb, statementName } from '../src/db/postgres.js';
import { endCallStatement, unroutedStatement } from '../src/calls/call-end.sql.js';
import { nextStatement } from '../src/routing/next.sql.js';
import { rejectStatement, routeStatement } from '../src/routing/route.sql.js';
import { createServices } from '../src/services.js';
import { systemClock } from '../src/shared/clock.js';
import { runScript } from '../test/helpers/agi-client.js';
import { createThrowawayDatabase } from '../test/helpers/db.js';
import { startCapConduit } from '../test/helpers/process.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 48);
const RATE = Number(process.env.BENCH_RATE ?? 300);
const CAMPAIGNS = 40;
const CONCURRENCY_CAP = 40;

interface Setup {
  dids: string[];
  /** link id → its client identifier, to check concurrency from the PBX side. */
  links: { id: number; client: string; cap: number }[];
}

async function setUp(db: Db): Promise<Setup> {
  const s = createServices({
    db,
    clock: systemClock,
    config: { sessionTtlHours: 1, loginMaxFailures: 5, loginLockoutSeconds: 60, defaultPhoneRegion: 'US' },
  });
  const adminRow = await s.users.create({
    email: 'bench-admin@x.example',
    name: 'a',
    role: 'admin',
    password: 'password-1',
  });
  const admin = { id: adminRow.id, email: adminRow.email, name: 'a', role: 'admin' as const };
  await s.settings.set(admin, 'billing.increment_seconds', 6);
  const dids: string[] = [];
  const links: Setup['links'] = [];
  for (let i = 0; i < CAMPAIGNS; i++) {
    const sellerRow = await s.users.create({
      email: `bench-seller${i}@x.example`,
      name: `s${i}`,
      role: 'seller',
      password: 'password-1',
    });
    const seller = { id: sellerRow.id, email: sellerRow.email, name: `s${i}`, role: 'seller' as const };
    await s.balances.topUp(admin, seller.id, { amount: '1000000' });
    const did = await s.dids.addOne({ number: `+1415${String(3000000 + i)}` });
    await s.dids.assign(did.id, seller.id);
    const c = await s.campaigns.create(seller, {
      name: 'bench',
      routing_strategy: i % 2 ? 'round_robin' : 'weighted',
      max_attempts: 3,
    });
    await s.campaigns.attachDids(seller, c.id, [did.id]);
    for (let j = 0; j < 2; j++) {
      const client = await s.clients.create({
        name: `c${i}-${j}`,
        client_identifier: `bench${i}_${j}`,
        sip_host: '192.0.2.1',
        max_concurrency: 500,
      });
      const link = await s.links.create(seller, c.id, {
        client_id: client.id,
        max_concurrency: CONCURRENCY_CAP,
        daily_cap: 1_000_000,
        total_calls_allowed: 1_000_000,
        min_billable_duration: 30,
        payout: '5',
      });
      links.push({ id: link.id, client: `bench${i}_${j}`, cap: CONCURRENCY_CAP });
    }
    dids.push(did.number);
  }
  return { dids, links };
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};

interface Tally {
  cycles: number;
  requestMs: number[];
  overshoot: number;
  uniqueids: string[];
}

/** One call as Asterisk would make it: route, the first target is busy, next, answered, hangup. */
async function cycle(
  port: number,
  did: string,
  uniqueid: string,
  live: Map<string, number>,
  caps: Map<string, number>,
  t: Tally,
) {
  const held: string[] = [];
  const take = (dial: string | undefined) => {
    if (!dial) return;
    const n = (live.get(dial) ?? 0) + 1;
    live.set(dial, n);
    held.push(dial);
    if (n > (caps.get(dial) ?? Infinity)) t.overshoot++;
  };
  const drop = () => {
    const d = held.pop();
    if (d) live.set(d, live.get(d)! - 1);
  };
  // As the generated dialplan asks: the PBX named, the call and attempt passed back.
  const r1 = await runScript(port, { script: `route?pbx=bench&did=${encodeURIComponent(did)}`, uniqueid });
  t.requestMs.push(r1.ms);
  const ids = (v: Record<string, string>) =>
    `pbx=bench&call=${v.CC_CALL ?? ''}&attempt=${v.CC_ATTEMPT ?? ''}`;
  let last = r1.vars;
  if (r1.vars.CC_STATUS === 'dial') take(r1.vars.CC_DIAL);
  let billsec = '0';
  let status = 'NOANSWER';
  if (r1.vars.CC_STATUS === 'dial') {
    drop(); // the PBX drops the busy leg before asking for the next target
    const r2 = await runScript(port, { script: `next?${ids(r1.vars)}&status=BUSY`, uniqueid });
    t.requestMs.push(r2.ms);
    if (r2.vars.CC_STATUS === 'dial') {
      last = r2.vars;
      take(r2.vars.CC_DIAL);
      status = 'ANSWER';
      billsec = String(20 + (t.cycles % 60));
    }
  }
  const r3 = await runScript(port, {
    script: `hangup?${ids(last)}&did=&fallback=`,
    uniqueid,
    args: [status, billsec, billsec, billsec, '16'],
  });
  drop();
  t.requestMs.push(r3.ms);
  t.cycles++;
  t.uniqueids.push(uniqueid);
}

async function closedLoop(
  run: (i: number) => Promise<void>,
  seconds: number,
  concurrency: number,
): Promise<number> {
  const until = performance.now() + seconds * 1000;
  let i = 0;
  let done = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        await run(i++);
        done++;
      }
    }),
  );
  return done / ((performance.now() - started) / 1000);
}

async function openLoop(run: (i: number) => Promise<void>, seconds: number, rate: number): Promise<void> {
  const pending: Promise<void>[] = [];
  const start = performance.now();
  for (let i = 0; i < seconds * rate; i++) {
    const at = start + (i * 1000) / rate;
    const wait = at - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    pending.push(run(i));
  }
  await Promise.all(pending);
}

/** Records every statement CapConduit issues for one call, to replay it without CapConduit. */
function recorder(db: Db) {
  const log: { tx: number; sql: string; params: unknown[] }[] = [];
  let txSeq = 0;
  const wrap = (q: Queryable, tx: number): Queryable => ({
    query<R>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
      log.push({ tx, sql, params: [...(params ?? [])] });
      return q.query<R>(sql, params);
    },
  });
  const rec: Db = {
    ...db,
    query: wrap(db, 0).query,
    transaction: (fn) => db.transaction((tx) => fn(wrap(tx, ++txSeq))),
  };
  return { db: rec, log };
}

async function main(): Promise<void> {
  const target = await createThrowawayDatabase();
  const db = createPostgresDb({ connectionString: target.url, max: 20 });
  try {
    await migrate(db);
    const setup = await setUp(db);
    const caps = new Map(setup.links.map((l) => [`PJSIP/${l.client}`, l.cap]));

    // 1. CapConduit: the real server process, the real FastAGI conversation.
    const server = await startCapConduit(
      ['--roles', 'agi'],
      { DATABASE_URL: target.url, DATABASE_POOL_SIZE: '20' },
      /FastAGI listening on \S+:(\d+)/,
      (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean),
    );
    const port = Number(server.match[1]);
    const live = new Map<string, number>();
    let n = 0;
    const t1: Tally = { cycles: 0, requestMs: [], overshoot: 0, uniqueids: [] };
    const call = (t: Tally) => (i: number) =>
      cycle(port, setup.dids[i % setup.dids.length]!, `bench-${++n}`, live, caps, t);
    await closedLoop(call({ cycles: 0, requestMs: [], overshoot: 0, uniqueids: [] }), 2, CONCURRENCY); // warm-up
    console.error('phase 1: throughput through FastAGI');
    const throughput = await closedLoop(call(t1), SECONDS, CONCURRENCY);
    console.error('phase 2: fixed offered load');
    const t2: Tally = { cycles: 0, requestMs: [], overshoot: 0, uniqueids: [] };
    await openLoop(call(t2), SECONDS, RATE);
    await server.stop();

    // 2. Correctness after both phases.
    const all = [...t1.uniqueids, ...t2.uniqueids];
    const logged = (
      await db.query<{ n: number }>(
        `SELECT count(*) AS n FROM calls WHERE pbx = 'bench' AND uniqueid = ANY($1) AND state = 'ended'`,
        [all],
      )
    ).rows[0]!.n;
    const stillLive = (
      await db.query<{ n: number }>(`SELECT count(*) AS n FROM calls WHERE state NOT IN ('ended', 'expired')`)
    ).rows[0]!.n;
    const dbOvershoot = (
      await db.query<{ n: number }>(
        `SELECT count(*) AS n FROM campaign_client_settings
          WHERE in_flight <> 0 OR current_total_calls > total_calls_allowed OR day_count > daily_cap`,
      )
    ).rows[0]!.n;

    console.error('phase 3: raw SQL ceiling');
    // 3. The raw-SQL ceiling: one cycle's statements recorded, then replayed through pg alone.
    const rec = recorder(db);
    // Configured as the server runs (context cache on), warmed up, then one cycle per DID recorded.
    const s = createServices({
      db: rec.db,
      clock: systemClock,
      config: {
        sessionTtlHours: 1,
        loginMaxFailures: 5,
        loginLockoutSeconds: 60,
        defaultPhoneRegion: 'US',
        routingCacheMs: 600_000,
      },
    });
    const pbx = 'bench-raw';
    for (const [i, did] of setup.dids.entries()) {
      const d = await s.routing.route({ pbx, uniqueid: `warm-${i}`, did });
      const attemptId = d.action === 'dial' ? d.attemptId : null;
      await s.callEnd.finish({
        pbx,
        uniqueid: `warm-${i}`,
        callId: d.callId,
        attemptId,
        dialStatus: 'NOANSWER',
        source: 'agi',
      });
    }
    // One recorded cycle per DID, so the replay spreads over campaigns as the real run does.
    const templates: (typeof rec.log)[] = [];
    for (const [i, did] of setup.dids.entries()) {
      rec.log.length = 0;
      const uniqueid = `template-${i}`;
      const d1 = await s.routing.route({ pbx, uniqueid, did });
      if (d1.action !== 'dial') throw new Error(`template call ${i} was not routed`);
      const d2 = await s.routing.next({
        pbx,
        uniqueid,
        callId: d1.callId,
        attemptId: d1.attemptId,
        status: 'BUSY',
      });
      const attemptId = d2.action === 'dial' ? d2.attemptId : null;
      await s.callEnd.finish({
        pbx,
        uniqueid,
        callId: d1.callId,
        attemptId,
        dialStatus: 'ANSWER',
        billsec: 40,
        source: 'agi',
      });
      templates.push(
        rec.log.map((x) => ({ ...x, params: x.params.map((v) => (v === `template-${i}` ? 'template' : v)) })),
      );
    }
    const legends = new Map(
      [routeStatement(), rejectStatement(), nextStatement(), endCallStatement(), unroutedStatement()].map(
        (st) => [st.sql, st.legend.map((l) => l.split(' ')[1])],
      ),
    );
    const pool = new pg.Pool({ connectionString: target.url, max: 20 });
    pool.on('error', (err) => console.error('raw pool:', err.message));
    let r = 0;
    // replay keeps the recorded order of transactions and autocommit statements
    const ordered = async () => {
      const id = `raw-${++r}`;
      const log = templates[r % templates.length]!;
      // The call and attempt ids a statement returns are what the next one is given, as the PBX does.
      const ids: Record<string, unknown> = {};
      const params = (sql: string, p: unknown[]) => {
        const names = legends.get(sql);
        return p.map((v, j) => {
          const name = names?.[j];
          if (name === 'callId' && ids.call_id !== undefined) return ids.call_id;
          if (name === 'attempt' && ids.attempt_id !== undefined) return ids.attempt_id;
          return v === 'template' ? id : v;
        });
      };
      let i = 0;
      while (i < log.length) {
        const st = log[i]!;
        if (st.tx === 0) {
          const res = await pool.query({
            name: statementName(st.sql),
            text: st.sql,
            values: params(st.sql, st.params),
          });
          for (const k of ['call_id', 'attempt_id']) if (res.rows[0]?.[k] != null) ids[k] = res.rows[0][k];
          i++;
          continue;
        }
        const stmts: typeof log = [];
        while (i < log.length && log[i]!.tx === st.tx) stmts.push(log[i++]!);
        await withRetry(async () => {
          const c = await pool.connect();
          try {
            await c.query('BEGIN');
            for (const x of stmts)
              await c.query({ name: statementName(x.sql), text: x.sql, values: params(x.sql, x.params) });
            await c.query('COMMIT');
          } catch (err) {
            await c.query('ROLLBACK').catch(() => undefined);
            throw err;
          } finally {
            c.release();
          }
        });
      }
    };
    await closedLoop(() => ordered(), 2, CONCURRENCY);
    const raw = await closedLoop(() => ordered(), SECONDS, CONCURRENCY);
    await pool.end();

    const report = {
      machine: `${(await import('node:os')).cpus().length} cores`,
      phases: { seconds: SECONDS, concurrency: CONCURRENCY, offered_rate: RATE },
      statements_per_cycle: templates[0]!.length,
      transactions_per_cycle: new Set(templates[0]!.filter((x) => x.tx > 0).map((x) => x.tx)).size,
      throughput_cycles_per_s: Math.round(throughput),
      throughput_request_ms: {
        p50: +pct(t1.requestMs, 50).toFixed(2),
        p99: +pct(t1.requestMs, 99).toFixed(2),
      },
      fixed_load_request_ms: {
        rate: RATE,
        p50: +pct(t2.requestMs, 50).toFixed(2),
        p99: +pct(t2.requestMs, 99).toFixed(2),
      },
      raw_sql_cycles_per_s: Math.round(raw),
      ratio_to_raw: +(throughput / raw).toFixed(2),
      cap_overshoot: t1.overshoot + t2.overshoot + dbOvershoot,
      calls: all.length,
      lost_call_logs: all.length - logged,
      reservations_left: stillLive,
    };
    console.log(JSON.stringify(report, null, 2));
  } catch (err) {
    console.error('benchmark failed:', err);
    process.exitCode = 1;
  } finally {
    await db.close();
    await target.drop();
  }
}

await main();
