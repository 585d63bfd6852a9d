import type { Queryable } from '../db/db.js';
import { withRetry } from '../db/retry.js';
import { createBatcher, type Batcher } from '../shared/batcher.js';
import type { Clock } from '../shared/clock.js';
import {
  createAllocationRepo,
  type AllocationJob,
  type MatchLevel,
  type Outcome,
} from './allocation.repo.js';

export interface AllocatorJob extends AllocationJob {
  ttlSeconds: number;
  /** The agents' per-minute limit (null: no limit). */
  rateLimit: number | null;
  /** Wait for the reservation to reach the disk before answering. */
  durable: boolean;
}

export interface AllocatorOutcome extends Outcome {
  expires: Date;
}

/**
 * Statements in flight per level and campaign; whatever arrives meanwhile waits and goes in the
 * next one. When a commit does not wait for the disk (the default), one statement at a time:
 * it takes ~0.5 ms at the database, so a request rarely waits, and the requests that do go
 * together, which costs PostgreSQL less than one statement each. When every commit waits for
 * the disk, two: a slow flush then holds up one statement, not every request of the level.
 * 64 per batch keeps one statement well under a millisecond of work (docs/performance.md).
 */
const IN_FLIGHT = { durable: 2, fast: 1 };
const MAX_BATCH = 64;

/**
 * Takes caller IDs for requests in batches: requests for the same level, pool and durability that
 * arrive while earlier ones are at the database go together in one statement (same rules,
 * same exactness, one commit). The time of a batch is the time it is sent; its TTL and the
 * agents' limit are its first job's (every job read the same cached settings a moment before).
 */
export function createAllocator(deps: { db: Queryable; clock: Clock }) {
  const repo = createAllocationRepo(deps.db);
  const batchers = new Map<string, Batcher<AllocatorJob, AllocatorOutcome>>();

  async function run(level: MatchLevel, pools: number[], jobs: AllocatorJob[]) {
    const first = jobs[0]!;
    const now = deps.clock.now();
    const expires = new Date(now.getTime() + first.ttlSeconds * 1000);
    // A failed statement changed nothing, so a deadlock or serialization failure is retried whole.
    const outcomes = await withRetry(() =>
      repo.take({ level, pools, now, expires, rateLimit: first.rateLimit, durable: first.durable }, jobs),
    );
    return outcomes.map((o) => ({ ...o, expires }));
  }

  return {
    /**
     * Takes from the pools `pools` (a campaign's own, or the shared ones): requests of every
     * campaign without a pool of its own go in the same batches as requests naming none.
     */
    take(level: MatchLevel, pools: number[], job: AllocatorJob): Promise<AllocatorOutcome> {
      const key = `${level}\u0000${pools.join(',')}\u0000${job.durable}`;
      let batcher = batchers.get(key);
      if (!batcher) {
        batcher = createBatcher((jobs: AllocatorJob[]) => run(level, pools, jobs), {
          maxInFlight: job.durable ? IN_FLIGHT.durable : IN_FLIGHT.fast,
          maxBatch: MAX_BATCH,
          onIdle: () => batchers.delete(key),
        });
        batchers.set(key, batcher);
      }
      return batcher.submit(job);
    },
  };
}
