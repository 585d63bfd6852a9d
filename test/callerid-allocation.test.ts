import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Db, Queryable } from '../src/db/db.js';
import {
  createAllocationRepo,
  type AllocationJob,
  type Batch,
  type MatchLevel,
} from '../src/callerid/allocation.repo.js';
import { seededRandom } from '../src/shared/random.js';
import { backends, createTestDb, type TestDatabase } from './helpers/db.js';

const NOW = new Date('2030-03-04T15:30:00Z');
const AREAS = [
  { code: '212', region: 'NY', tz: 'America/New_York' },
  { code: '315', region: 'NY', tz: 'America/New_York' },
  { code: '415', region: 'CA', tz: 'America/Los_Angeles' },
  { code: '713', region: 'TX', tz: 'America/Chicago' },
];
const LEVELS: MatchLevel[] = ['area_code', 'region', 'campaign_pool', 'global'];

/** A pool of numbers in every state a number can be in: used, reserved, at a limit, disabled. */
async function fillPools(db: Db, random: () => number): Promise<void> {
  await db.query(`INSERT INTO callerid_pools (name, campaign) VALUES ('Global', NULL), ('C1', 'C1')`);
  const hour = new Date('2030-03-04T15:00:00Z');
  for (let i = 0; i < 36; i++) {
    const a = AREAS[Math.floor(random() * AREAS.length)]!;
    const pick = <T>(...xs: T[]) => xs[Math.floor(random() * xs.length)]!;
    await db.query(
      `INSERT INTO callerid_numbers (pool_id, number, area_code, region, timezone, status, hourly_limit, daily_limit,
                                     last_used_at, reserved_until, hour_start, hour_count, max_concurrent)
       VALUES ((SELECT id FROM callerid_pools WHERE campaign IS NOT DISTINCT FROM $1), $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
      [
        pick(null, null, 'C1'),
        `+1${a.code}555${String(1000 + i)}`,
        a.code,
        a.region,
        a.tz,
        pick('active', 'active', 'active', 'disabled'),
        pick(null, 1, 2),
        pick(null, 5),
        pick(null, new Date(NOW.getTime() - Math.floor(random() * 86_400_000))),
        pick(null, null, null, new Date(NOW.getTime() + 60_000), new Date(NOW.getTime() - 60_000)),
        pick(null, hour),
        pick(0, 1),
        // several places: a batch then takes some numbers more than once (migrations/0021)
        pick(1, 1, 1, 2, 3),
      ],
    );
  }
}

function randomJobs(random: () => number, level: MatchLevel): AllocationJob[] {
  return Array.from({ length: 2 + Math.floor(random() * 14) }, (_, i) => {
    const a = AREAS[Math.floor(random() * AREAS.length)]!;
    return {
      key: level === 'area_code' ? a.code : level === 'region' ? a.region : null,
      destination: `+1${a.code}5550${String(100 + i)}`,
      agent: [null, 'ann', 'bob', 'cy'][Math.floor(random() * 4)]!,
      // the campaign a request names is only recorded: jobs of several go in one shared batch
      campaign: [null, 'C1', 'C2'][Math.floor(random() * 3)]!,
      counted: random() < 0.7,
    };
  });
}

/** Runs `fn` in a transaction that is rolled back, so each run starts from the same state. */
async function dryRun<T>(db: Db, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  const rollback = new Error('rollback');
  let result: T | undefined;
  await db
    .transaction(async (tx) => {
      result = await fn(tx);
      throw rollback;
    })
    .catch((e: unknown) => {
      if (e !== rollback) throw e;
    });
  return result!;
}

for (const kind of backends()) {
  describe(`caller-ID allocation in batches on ${kind}`, () => {
    let t: TestDatabase;
    const poolOf: Record<string, number> = {};
    before(async () => {
      t = await createTestDb(kind);
      await fillPools(t.db, seededRandom(7));
      const { rows } = await t.db.query<{ id: number; campaign: string | null }>(
        'SELECT id, campaign FROM callerid_pools',
      );
      for (const r of rows) poolOf[r.campaign ?? 'global'] = Number(r.id);
    });
    after(() => t.drop());

    test('a batch hands out exactly what the same requests one by one would, in the same order', async () => {
      const random = seededRandom(42);
      const seen = { taken: 0, overRate: 0, noneFree: 0, again: 0 };
      for (let round = 0; round < 24; round++) {
        const level = LEVELS[round % LEVELS.length]!;
        // The campaign pool level is asked only of a campaign's own pool, global only of the shared.
        const own = level === 'campaign_pool' || (level !== 'global' && random() < 0.5);
        const batch: Batch = {
          level,
          // one pool (an equality in the statement) or several (= ANY): both paths compared
          pools: own ? [poolOf.C1!] : random() < 0.3 ? [poolOf.global!, poolOf.C1!] : [poolOf.global!],
          now: NOW,
          expires: new Date(NOW.getTime() + 300_000),
          rateLimit: random() < 0.2 ? null : 1 + Math.floor(random() * 4),
          durable: random() < 0.5,
        };
        const jobs = randomJobs(random, level);
        const summary = (o: { taken?: { number: string } | undefined; rate: number | null }) =>
          `${o.taken?.number ?? '-'} rate=${o.rate}`;
        const oneByOne = await dryRun(t.db, async (tx) => {
          const repo = createAllocationRepo(tx);
          const out = [];
          for (const j of jobs) out.push(...(await repo.take(batch, [j])));
          return out.map(summary);
        });
        const together = await dryRun(t.db, async (tx) =>
          (await createAllocationRepo(tx).take(batch, jobs)).map(summary),
        );
        assert.deepEqual(together, oneByOne, `round ${round}: ${JSON.stringify({ batch, jobs })}`);
        const numbers = oneByOne.map((s) => s.split(' ')[0]).filter((n) => n !== '-');
        seen.again += numbers.length - new Set(numbers).size;
        for (const [i, s] of oneByOne.entries()) {
          const over = batch.rateLimit !== null && Number(/rate=(\d+)/.exec(s)?.[1] ?? 0) > batch.rateLimit;
          seen[s.startsWith('-') ? (over ? 'overRate' : 'noneFree') : 'taken']++;
          if (over)
            assert.ok(s.startsWith('-'), `round ${round} job ${i}: over its agent's rate, yet took ${s}`);
        }
      }
      // The rounds cover every outcome, or the comparison would prove little.
      // `again`: a number with several places taken more than once in one batch.
      assert.ok(
        seen.taken > 60 && seen.overRate > 5 && seen.noneFree > 5 && seen.again > 5,
        JSON.stringify(seen),
      );
    });

    test('a batch logs one allocation per number taken, with its reservation on the number', async () => {
      const jobs = AREAS.map((a) => ({
        key: a.code,
        destination: `+1${a.code}5550100`,
        agent: 'dee',
        campaign: null,
        counted: true,
      }));
      const taken = await dryRun(t.db, async (tx) => {
        const out = await createAllocationRepo(tx).take(
          {
            level: 'area_code',
            pools: [poolOf.global!],
            now: NOW,
            expires: new Date(NOW.getTime() + 300_000),
            rateLimit: 10,
            durable: true,
          },
          jobs,
        );
        const rows = await tx.query<{ n: number }>(
          `SELECT count(*) AS n FROM callerid_allocations a JOIN callerid_numbers n ON n.id = a.number_id
            WHERE a.agent = 'dee' AND n.lease_ids = ARRAY[a.id] AND n.lease_until = ARRAY[a.expires_at]`,
        );
        return { out, logged: rows.rows[0]!.n };
      });
      const got = taken.out.filter((o) => o.taken).length;
      assert.ok(got >= 3);
      assert.equal(taken.logged, got);
      assert.deepEqual(
        taken.out.map((o) => o.rate),
        [1, 2, 3, 4],
      );
    });

    test('an allocation waits for the disk at commit only when it is to be durable', async () => {
      const mode = (tx: Queryable) =>
        tx
          .query<{ m: string }>(`SELECT current_setting('synchronous_commit') AS m`)
          .then((r) => r.rows[0]!.m);
      const job = (i: number) => ({
        key: '212',
        destination: `+1212555010${i}`,
        agent: 'eve',
        campaign: 'C2',
        counted: true,
      });
      const batch = (durable: boolean): Batch => ({
        level: 'area_code',
        pools: [poolOf.global!],
        now: NOW,
        expires: new Date(NOW.getTime() + 300_000),
        rateLimit: 10,
        durable,
      });
      // set_config(..., true) holds until the end of the transaction, so a transaction around
      // the statement shows what its commit would have done.
      const modes = await dryRun(t.db, async (tx) => {
        const repo = createAllocationRepo(tx);
        const seen = [await mode(tx)];
        await repo.take(batch(false), [job(1)]);
        seen.push(await mode(tx));
        await repo.take(batch(true), [job(2)]);
        seen.push(await mode(tx));
        await repo.take(batch(false), [job(3), job(4)]);
        seen.push(await mode(tx));
        await repo.take(batch(true), [job(5), job(6)]);
        seen.push(await mode(tx));
        return seen;
      });
      assert.deepEqual(modes, ['on', 'off', 'on', 'off', 'on']);
    });
  });
}

describe('caller-ID batch statement cost on postgres', () => {
  let t: TestDatabase;
  before(async () => {
    t = await createTestDb('postgres');
    // A pool the size of the benchmark's area codes (100,000 numbers over ~300 codes).
    await t.db.query(`INSERT INTO callerid_pools (name) VALUES ('Global')`);
    await t.db.query(
      `INSERT INTO callerid_numbers (pool_id, number, area_code, region, timezone, hourly_limit, daily_limit)
       SELECT (SELECT id FROM callerid_pools), '+1' || (200 + g % 300) || (2000000 + g / 300), (200 + g % 300)::text,
              'NY', 'America/New_York', 100, 1000
         FROM generate_series(0, 99999) g`,
    );
    await t.db.query('ANALYZE callerid_numbers');
  });
  after(() => t.drop());

  test('a full batch is priced far below jit_above_cost (JIT compiled each batch for 150 ms)', async () => {
    // The planner's estimate decides JIT; a set-returning function of unknown size (1,000 rows
    // each) once multiplied it past the threshold.
    let cost: number | undefined;
    const explaining = {
      query: async (sql: string, params?: readonly unknown[]) => {
        const r = await t.db.query<{ 'QUERY PLAN': { Plan: { 'Total Cost': number } }[] }>(
          `EXPLAIN (FORMAT JSON) ${sql}`,
          params,
        );
        cost = r.rows[0]!['QUERY PLAN'][0]!.Plan['Total Cost'];
        return { rows: [], rowCount: 0 };
      },
    } as unknown as Queryable;
    const jobs = Array.from({ length: 64 }, (_, i) => ({
      key: String(200 + (i % 3)),
      destination: `+1212555${2000 + i}`,
      agent: `ag${i % 9}`,
      campaign: null,
      counted: true,
    }));
    const { rows } = await t.db.query<{ id: number }>('SELECT id FROM callerid_pools');
    await createAllocationRepo(explaining).take(
      {
        level: 'area_code',
        pools: [Number(rows[0]!.id)],
        now: NOW,
        expires: new Date(NOW.getTime() + 300_000),
        rateLimit: 10,
        durable: false,
      },
      jobs,
    );
    const { rows: jit } = await t.db.query<{ c: string }>(`SELECT current_setting('jit_above_cost') AS c`);
    assert.ok(
      cost !== undefined && cost < Number(jit[0]!.c) / 4,
      `estimated cost ${cost}, jit_above_cost ${jit[0]!.c}`,
    );
  });
});
