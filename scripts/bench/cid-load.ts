/**
 * The load generator of `npm run bench:cid` (scripts/bench-callerid.ts), a process of its own so
 * that its work does not share an event loop with the orchestration: the phases in order, each
 * reported to the orchestrator over IPC, which answers "next" once it has taken its readings.
 */
import pg from 'pg';
import { createHttpClient } from './http-client.js';
import { closedLoop, openLoop, type Send } from './load.js';

export interface LoadJob {
  url: string;
  databaseUrl: string;
  areaCodes: string[];
  seconds: number;
  concurrency: number;
  rate: number;
  poolSize: number;
  warmupSeconds: number;
  /** BENCH_TRACE: write each request's due time and latency to `${trace}.fixed`, `.health`, `.ready`, `.floor`. */
  trace: string | undefined;
  token: string;
  /** Dialer campaigns the agents are spread over (each agent in one); 0: no campaign sent. */
  campaigns: number;
}

async function loadGenerator(job: LoadJob): Promise<void> {
  const client = await createHttpClient(job.url, 64);
  const seen = new Set<string>();
  let duplicates = 0;
  let allocated = 0;
  const statuses: Record<string, number> = {};
  let n = 0;

  /** One GET /next-cid; resolves with the time it ended and whether a caller ID came back. */
  const request = async (): Promise<{ ended: number; ok: boolean }> => {
    const i = ++n;
    const code = job.areaCodes[(i * 7919) % job.areaCodes.length]!;
    const agent = i % 200;
    // as a dialer asks: each agent works one campaign and sends its name (VICIdial's campaign id)
    const campaign = job.campaigns > 0 ? `&campaign=dialer${agent % job.campaigns}` : '';
    const path = `/next-cid?to=${code}${String(2_000_000 + ((i * 7) % 7_000_000))}&agent=a${agent}${campaign}`;
    try {
      const res = await client.get(path, { 'x-api-token': job.token });
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      const id = res.status === 200 ? (JSON.parse(res.body) as { caller_id?: string }).caller_id : undefined;
      if (id !== undefined) {
        allocated++;
        if (seen.has(id)) duplicates++;
        seen.add(id);
      }
      return { ended: res.ended, ok: id !== undefined };
    } catch {
      statuses.error = (statuses.error ?? 0) + 1;
      return { ended: performance.now(), ok: false };
    }
  };

  const trace = (name: string) => (job.trace ? `${job.trace}.${name}` : undefined);
  const next = () => new Promise<void>((resolve) => process.once('message', () => resolve()));

  // Warm-up: JIT on both sides, every pooled connection of the server and its prepared statements.
  await closedLoop(request, 1, job.concurrency);
  // The fixed rate first, on a database that no saturating phase has just filled with dirty
  // pages and WAL: its first 3 s are the warm-up, run straight into the measured 10 s.
  process.send!({ phase: 'ready' });
  await next();
  const fixed = await openLoop(request, job.seconds, job.rate, {
    warmupSeconds: job.warmupSeconds,
    trace: trace('fixed'),
  });
  process.send!({ phase: 'fixed', result: fixed });
  await next();

  // The machine's floors at the same rate, through the same client and server: an answer with
  // no database (GET /health), and one with a single round trip to PostgreSQL (GET /ready,
  // SELECT 1 through the server's pool). No allocation can answer faster than the second.
  const get =
    (path: string): Send =>
    async () => {
      // A failed request is counted as such (`failed`), as for /next-cid, not a crashed phase.
      const res = await client.get(path, {}).catch(() => undefined);
      return { ended: res?.ended ?? performance.now(), ok: res?.status === 200 };
    };
  /** A floor: the fixed rate with 2 s of warm-up, traced as `name`. */
  const floorLoop = (name: string, send: Send) =>
    openLoop(send, job.seconds, job.rate, { warmupSeconds: 2, trace: trace(name) });
  const health = await floorLoop('health', get('/health'));
  const ready = await floorLoop('ready', get('/ready'));

  // The commit floor: a one-row UPDATE per transaction at the same rate, straight through pg.
  const pool = new pg.Pool({ connectionString: job.databaseUrl, max: job.poolSize });
  const update = { name: 'floor', text: 'UPDATE bench_floor SET v = v + 1 WHERE id = $1' };
  await Promise.all(
    Array.from({ length: job.poolSize * 50 }, (_, i) => pool.query({ ...update, values: [i % 1000] })),
  );
  let k = 0;
  const floorUpdate: Send = async () => {
    await pool.query({ ...update, values: [k++ % 1000] });
    return { ended: performance.now(), ok: true };
  };
  const floor = await floorLoop('floor', floorUpdate);
  // Throughput last: as many allocations as 32 requests in flight get.
  const throughput = await closedLoop(request, job.seconds, job.concurrency);
  await pool.end();
  client.close();
  process.send!({
    phase: 'done',
    result: { throughput, health, ready, floor, allocated, duplicates, statuses },
  });
}

await loadGenerator(JSON.parse(process.argv[2]!) as LoadJob);
