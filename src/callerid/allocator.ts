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
}

export interface AllocatorOutcome extends Outcome {
  expires: Date;
}

/**
 * Two statements in flight per level and campaign, the rest batched behind them: at 1,000
 * requests/s a request rarely waits (one statement takes ~0.6 ms), and a burst, or a stall of
 * the database, turns into a few batches instead of a queue of single statements that all
 * compete for the same two cores. 64 per batch keeps one statement well under a millisecond
 * of work per level (docs/performance.md).
 */
const MAX_IN_FLIGHT = 2;
const MAX_BATCH = 64;

/**
 * Takes caller IDs for requests in batches: requests for the same level and campaign that
 * arrive while earlier ones are at the database go together in one statement (same rules,
 * same exactness, one commit). The time of a batch is the time it is sent; its TTL and the
 * agents' limit are its first job's (every job read the same cached settings a moment before).
 */
export function createAllocator(deps: { db: Queryable; clock: Clock }) {
  const repo = createAllocationRepo(deps.db);
  const batchers = new Map<string, Batcher<AllocatorJob, AllocatorOutcome>>();

  async function run(level: MatchLevel, campaign: string | null, jobs: AllocatorJob[]) {
    const first = jobs[0]!;
    const now = deps.clock.now();
    const expires = new Date(now.getTime() + first.ttlSeconds * 1000);
    // A failed statement changed nothing, so a deadlock or serialization failure is retried whole.
    const outcomes = await withRetry(() =>
      repo.take({ level, campaign, now, expires, rateLimit: first.rateLimit }, jobs),
    );
    return outcomes.map((o) => ({ ...o, expires }));
  }

  return {
    take(level: MatchLevel, campaign: string | null, job: AllocatorJob): Promise<AllocatorOutcome> {
      const key = `${level}\u0000${campaign ?? ''}`;
      let batcher = batchers.get(key);
      if (!batcher) {
        batcher = createBatcher((jobs: AllocatorJob[]) => run(level, campaign, jobs), {
          maxInFlight: MAX_IN_FLIGHT,
          maxBatch: MAX_BATCH,
          onIdle: () => batchers.delete(key),
        });
        batchers.set(key, batcher);
      }
      return batcher.submit(job);
    },
  };
}
