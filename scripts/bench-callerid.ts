/**
 * npm run bench:cid — caller-ID allocation over HTTP (GET /next-cid) against a real PostgreSQL
 * holding 100,000 numbers, through a CapConduit process started with `--roles api`.
 *
 *   BENCH_DATABASE_URL / TEST_DATABASE_URL  admin connection (default postgres://postgres@127.0.0.1:5432/postgres)
 *   BENCH_NUMBERS      numbers in the pool (default 100000)
 *   BENCH_SECONDS      length of each phase (default 10)
 *   BENCH_CONCURRENCY  requests in flight in the throughput phase (default 32)
 *   BENCH_RATE         offered requests/s in the latency phase (default 1000)
 */
import { migrate } from '../src/db/migrate.js';
import { createPostgresDb } from '../src/db/postgres.js';
import { NANP_AREA_CODES } from '../src/callerid/nanp.js';
import { createThrowawayDatabase } from '../test/helpers/db.js';
import { startCapConduit } from '../test/helpers/process.js';

const NUMBERS = Number(process.env.BENCH_NUMBERS ?? 100_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const RATE = Number(process.env.BENCH_RATE ?? 1000);
const TOKEN = 'bench-cid-token-0123456789';

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? NaN;

/** Cumulative bucket counts of the server's /next-cid duration histogram (from /metrics). */
async function serverHistogram(url: string): Promise<Map<number, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const buckets = new Map<number, number>();
  const re =
    /capconduit_http_request_duration_seconds_bucket\{le="([^"]+)",method="GET",route="\/next-cid",status="200"\} (\d+)/g;
  for (const m of text.matchAll(re)) buckets.set(m[1] === '+Inf' ? Infinity : Number(m[1]), Number(m[2]));
  return buckets;
}

/** p50 and p99 (as the bucket's upper bound, in ms) of the requests between two scrapes. */
function histogramQuantiles(before: Map<number, number>, after: Map<number, number>) {
  const les = [...after.keys()].sort((a, b) => a - b);
  const total = (after.get(Infinity) ?? 0) - (before.get(Infinity) ?? 0);
  const at = (q: number) => {
    for (const le of les) if ((after.get(le) ?? 0) - (before.get(le) ?? 0) >= q * total) return le * 1000;
    return Infinity;
  };
  return { requests: total, p50_at_most: at(0.5), p99_at_most: at(0.99) };
}

async function main(): Promise<void> {
  const target = await createThrowawayDatabase();
  const db = createPostgresDb({ connectionString: target.url, max: 4 });
  try {
    await migrate(db);
    const codes = [...NANP_AREA_CODES.values()].filter((c) => c.country === 'US');
    const pool = (
      await db.query<{ id: number }>(`INSERT INTO callerid_pools (name) VALUES ('Global') RETURNING id`)
    ).rows[0]!.id;
    const rows = Array.from({ length: NUMBERS }, (_, i) => {
      const c = codes[i % codes.length]!;
      return {
        number: `+1${c.areaCode}${String(2000000 + Math.floor(i / codes.length)).padStart(7, '0')}`,
        c,
      };
    });
    for (let i = 0; i < rows.length; i += 10_000) {
      const batch = rows.slice(i, i + 10_000);
      await db.query(
        `INSERT INTO callerid_numbers (pool_id, number, area_code, region, timezone, hourly_limit, daily_limit)
         SELECT $1, u.*, 100, 1000 FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) AS u`,
        [
          pool,
          batch.map((r) => r.number),
          batch.map((r) => r.c.areaCode),
          batch.map((r) => r.c.region),
          batch.map((r) => r.c.timezone),
        ],
      );
    }
    await db.query(
      `INSERT INTO settings (key, value) VALUES ('callerid.agent_requests_per_minute', '100000')`,
    );
    await db.query('VACUUM ANALYZE callerid_numbers');

    const server = await startCapConduit(
      ['--roles', 'api'],
      { DATABASE_URL: target.url, CID_API_TOKEN: TOKEN, DATABASE_POOL_SIZE: '16' },
      /running at (http:\/\/\S+)/,
    );
    const url = server.match[1]!;
    const seen = new Map<string, number>();
    let duplicates = 0;
    let n = 0;
    const one = async (lat: number[]) => {
      const c = codes[(n * 7919) % codes.length]!;
      const i = ++n;
      const t0 = performance.now();
      const res = await fetch(
        `${url}/next-cid?to=${c.areaCode}5550${String(100 + (i % 900))}&agent=a${i % 200}`,
        { headers: { 'x-api-token': TOKEN } },
      );
      const body = (await res.json()) as { caller_id?: string };
      lat.push(performance.now() - t0);
      if (res.status === 200 && body.caller_id) {
        if (seen.has(body.caller_id)) duplicates++;
        seen.set(body.caller_id, i);
        return true;
      }
      return false;
    };
    // warm-up: JIT, the pool's connections and their prepared statements
    for (let i = 0; i < 10; i++) await Promise.all(Array.from({ length: CONCURRENCY * 10 }, () => one([])));
    const lat1: number[] = [];
    let ok = 0;
    const until = performance.now() + SECONDS * 1000;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (performance.now() < until) if (await one(lat1)) ok++;
      }),
    );
    const throughput = ok / ((performance.now() - started) / 1000);
    const before = await serverHistogram(url);
    const lat2: number[] = [];
    const pending: Promise<boolean>[] = [];
    const start2 = performance.now();
    for (let i = 0; i < SECONDS * RATE; i++) {
      const wait = start2 + (i * 1000) / RATE - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      pending.push(one(lat2));
    }
    await Promise.all(pending);
    const serverSide = histogramQuantiles(before, await serverHistogram(url));
    await server.stop();
    console.log(
      JSON.stringify(
        {
          numbers: NUMBERS,
          phases: { seconds: SECONDS, concurrency: CONCURRENCY, offered_rate: RATE },
          allocations_per_s: Math.round(throughput),
          throughput_request_ms: { p50: +pct(lat1, 50).toFixed(2), p99: +pct(lat1, 99).toFixed(2) },
          fixed_load_request_ms: {
            rate: RATE,
            p50: +pct(lat2, 50).toFixed(2),
            p99: +pct(lat2, 99).toFixed(2),
          },
          // The same phase as the server's own histogram sees it (bucket upper bounds).
          fixed_load_server_ms: serverSide,
          allocations: seen.size + duplicates,
          duplicates_while_reserved: duplicates,
        },
        null,
        2,
      ),
    );
  } finally {
    await db.close();
    await target.drop();
  }
}

await main();
