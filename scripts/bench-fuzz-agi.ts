/**
 * npm run bench:fuzz-agi — FastAGI fuzzing at length (issue 13 "Never down"): many hostile
 * conversations (the generators of test/helpers/agi-fuzz.ts, which test/fuzz-agi.test.ts runs a
 * few thousand of) against a CapConduit process started with `--roles agi` (default limits), with
 * honest call cycles (route → BUSY → next → hangup) running beside them. Prints how many cases
 * ran and failed (each failure with its exact bytes), the server's memory before and after, the
 * connections it still holds, and the honest calls' latency alone and under fuzz.
 *
 *   TEST_DATABASE_URL  admin connection for the throwaway database (default postgres://postgres@127.0.0.1:5432/postgres)
 *   FUZZ_RUNS          hostile conversations (default 50000)
 *   FUZZ_SEED          seed (default random); case i is `fc.sample(arb, { numRuns: BATCH, seed: SEED + ⌊i/BATCH⌋ })[i % BATCH]`
 *   BENCH_CONCURRENCY  hostile conversations in flight (default 32)
 *   BENCH_HONEST_LANES honest calls in flight (default 2)
 *   FUZZ_GIVE_UP_MS    longest a hostile peer waits for the server (default 500; the holders wait for its limits)
 *   FUZZ_HOLDERS       peers that hold their socket until the server ends it (default 64)
 *   FUZZ_FAILURES_FILE where every failure is written as JSON (default fuzz-agi-failures.json, only when some failed)
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { migrate } from '../src/db/migrate.js';
import { createPostgresDb } from '../src/db/postgres.js';
import { createServices } from '../src/services.js';
import { systemClock } from '../src/shared/clock.js';
import {
  connectionsOn,
  converse,
  describe,
  honestLoop,
  hostileConversation,
  memoryOf,
  outcomeProblems,
  percentile,
  resetPeakMemory,
  type Conversation,
} from '../test/helpers/agi-fuzz.js';
import { createThrowawayDatabase } from '../test/helpers/db.js';
import { startCapConduit } from '../test/helpers/process.js';
import { scenario } from '../test/helpers/scenario.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 50_000);
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const LANES = Number(process.env.BENCH_HONEST_LANES ?? 2);
const GIVE_UP_MS = Number(process.env.FUZZ_GIVE_UP_MS ?? 500);
const HOLDERS = Number(process.env.FUZZ_HOLDERS ?? 64);
const FAILURES_FILE = process.env.FUZZ_FAILURES_FILE ?? 'fuzz-agi-failures.json';
const BATCH = 1000;
/** DEFAULT_LIMITS' 5 s header timeout + the 8 s conversation limit, + slack. */
const END_WITHIN_MS = 5000 + 8000 + 2500;
/** AgiSession#close destroys the socket 5 s after its FIN. */
const CLOSE_GRACE_MS = 5000;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const mib = (kb: number) => Math.round(kb / 1024);
const ms = (xs: number[]) => ({
  n: xs.length,
  p50: +percentile(xs, 50).toFixed(1),
  p99: +percentile(xs, 99).toFixed(1),
  max: +Math.max(...xs).toFixed(1),
});

interface Failure {
  index: number;
  seed: number;
  problems: string[];
  conversation: string;
}

async function main(): Promise<void> {
  const target = await createThrowawayDatabase();
  const db = createPostgresDb({ connectionString: target.url, max: 10 });
  const dataDir = mkdtempSync(join(tmpdir(), 'capconduit-bench-fuzz-'));
  let stop: (() => Promise<number | null>) | undefined;
  try {
    await migrate(db);
    const s = createServices({
      db,
      clock: systemClock,
      config: { sessionTtlHours: 1, loginMaxFailures: 5, loginLockoutSeconds: 60, defaultPhoneRegion: 'US' },
    });
    const h = await scenario(s, { links: [{}, { forwarding_priority: 2 }], balance: '100000000' });
    const honest = {
      did: h.did,
      pbx: 'pbx-honest',
      clients: [h.clients[0]!.identifier, h.clients[1]!.identifier] as [string, string],
    };
    const f = await scenario(s, { links: [{}, { forwarding_priority: 2 }], balance: '100000000' });
    for (let i = 0; i < 20; i++)
      await s.callerId.add({ caller_id: `+1312555${String(300 + i).padStart(4, '0')}` });

    const server = await startCapConduit(
      ['--roles', 'agi'],
      // Errors only: test/helpers/process.ts keeps the whole output and scans it on every chunk,
      // which a warning per hostile peer would make the bottleneck of the run.
      { DATABASE_URL: target.url, DATA_DIR: dataDir, LOG_LEVEL: 'error' },
      /FastAGI listening on \S+:(\d+)/,
    );
    stop = server.stop;
    const pid = server.child.pid!;
    const port = Number(server.match[1]);
    const arb = hostileConversation({ did: f.did, pbx: 'fz' });

    console.error(`seed ${SEED}; phase 1: honest calls alone (5 s)`);
    const alone = honestLoop(port, honest, { lanes: LANES, prefix: `alone-${SEED}` });
    await sleep(5000);
    const aloneResult = await alone.stop();

    // Warm-up, so that the baseline is a server that has served hostile peers too.
    for (const c of fc.sample(arb, { numRuns: 300, seed: SEED - 1 }))
      await converse(port, c, { giveUpMs: 200 });
    await sleep(1000);
    const before = memoryOf(pid);
    const peakResettable = resetPeakMemory(pid);

    console.error(
      `phase 2: ${RUNS} hostile conversations, ${CONCURRENCY} at a time, honest calls beside them`,
    );
    const holders = fc.sample(
      arb.filter((c) => c.ending === 'hold'),
      { numRuns: HOLDERS, seed: SEED },
    );
    const holding = holders.map((c) => converse(port, c, { giveUpMs: END_WITHIN_MS + 3000, linger: true }));
    const calls = honestLoop(port, honest, { lanes: LANES, prefix: `fuzzed-${SEED}` });
    const families = new Map<string, number>();
    const failures: Failure[] = [];
    let next = 0;
    let done = 0;
    let batch: { seed: number; cases: Conversation[] } | undefined;
    const caseAt = (i: number): { seed: number; c: Conversation } => {
      const seed = SEED + Math.floor(i / BATCH);
      if (batch?.seed !== seed) batch = { seed, cases: fc.sample(arb, { numRuns: BATCH, seed }) };
      return { seed, c: batch.cases[i % BATCH]! };
    };
    let sampledPeakKb = 0;
    const sampler = setInterval(() => {
      if (server.child.exitCode === null) sampledPeakKb = Math.max(sampledPeakKb, memoryOf(pid).rssKb);
    }, 250);
    const progress = setInterval(
      () =>
        console.error(
          `  ${done} / ${RUNS} cases, ${failures.length} failed, RSS ${mib(memoryOf(pid).rssKb)} MiB`,
        ),
      10_000,
    );
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < RUNS && server.child.exitCode === null) {
          const index = next++;
          const { seed, c } = caseAt(index);
          families.set(c.family, (families.get(c.family) ?? 0) + 1);
          const o = await converse(port, c, { giveUpMs: GIVE_UP_MS });
          const problems = outcomeProblems(o, {});
          if (problems.length) failures.push({ index, seed, problems, conversation: describe(c) });
          done++;
        }
      }),
    );
    const fuzzSeconds = (performance.now() - started) / 1000;
    clearInterval(progress);
    const held = await Promise.all(holding);
    const honestResult = await calls.stop();
    clearInterval(sampler);
    const alive = server.child.exitCode === null;
    const after = alive ? memoryOf(pid) : { rssKb: NaN, peakKb: NaN };

    const late = held
      .map((o, i) => ({ problems: outcomeProblems(o, { endWithinMs: END_WITHIN_MS }), c: holders[i]! }))
      .filter((x) => x.problems.length > 0);
    for (const x of late)
      failures.push({ index: -1, seed: SEED, problems: x.problems, conversation: describe(x.c) });
    // The holders keep their sockets after the server's FIN: the server must still let go of them.
    let open = NaN;
    if (alive) {
      const until = performance.now() + CLOSE_GRACE_MS + 3000;
      while ((open = connectionsOn(pid, port)) > 0 && performance.now() < until) await sleep(200);
    }
    for (const o of held) o.socket?.destroy();

    const journal = join(dataDir, 'journal');
    const journaled = existsSync(journal)
      ? readdirSync(journal).reduce(
          (n, name) => n + readFileSync(join(journal, name), 'utf8').split('\n').filter(Boolean).length,
          0,
        )
      : 0;
    const errors = new Map<string, number>();
    for (const line of server.output().split('\n')) {
      if (!line.includes('"level":50')) continue;
      try {
        const o = JSON.parse(line) as {
          msg?: string;
          script?: string;
          err?: { type?: string; message?: string };
        };
        const key = `${o.script ?? '?'}: ${o.msg} ${o.err?.type ?? ''} ${(o.err?.message ?? '').slice(0, 100)}`;
        errors.set(key, (errors.get(key) ?? 0) + 1);
      } catch {
        errors.set(line.slice(0, 150), (errors.get(line.slice(0, 150)) ?? 0) + 1);
      }
    }

    if (failures.length) writeFileSync(FAILURES_FILE, JSON.stringify(failures, null, 2));
    const report = {
      machine: `${cpus().length} cores`,
      seed: SEED,
      cases: done,
      families: Object.fromEntries([...families].sort()),
      holders: held.length,
      seconds: +fuzzSeconds.toFixed(1),
      cases_per_s: Math.round(done / fuzzSeconds),
      failures: failures.length,
      first_failures: failures.slice(0, 5),
      failures_file: failures.length ? FAILURES_FILE : undefined,
      server_alive: alive,
      server_exit_code: server.child.exitCode,
      connections_left: open,
      rss_mib: {
        before: mib(before.rssKb),
        after: mib(after.rssKb),
        peak: mib(peakResettable ? Math.max(after.peakKb, sampledPeakKb) : sampledPeakKb),
      },
      honest_alone: {
        cycles: aloneResult.cycles,
        problems: aloneResult.problems.length,
        request_ms: ms(aloneResult.ms),
      },
      honest_under_fuzz: {
        cycles: honestResult.cycles,
        problems: honestResult.problems.length,
        first_problems: honestResult.problems.slice(0, 5),
        request_ms: ms(honestResult.ms),
      },
      call_ends_journaled_with_the_database_up: journaled,
      server_errors_logged: Object.fromEntries(errors),
    };
    console.log(JSON.stringify(report, null, 2));
    if (!alive || failures.length || honestResult.problems.length || open > 0) process.exitCode = 1;
  } catch (err) {
    console.error('benchmark failed:', err);
    process.exitCode = 1;
  } finally {
    await stop?.();
    await db.close();
    await target.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
