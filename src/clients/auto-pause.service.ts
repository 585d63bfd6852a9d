import type { Db } from '../db/db.js';
import type { Clock } from '../shared/clock.js';
import { createAutoPauseRepo, type PauseChange } from './auto-pause.repo.js';

/**
 * Buyers that pause by themselves after too many unanswered calls, and resume by themselves
 * (issue 16 item 5). Routing passes a paused buyer over by its `paused_until`
 * (routing.rules.ts#unavailableReason), so a pause ends on time whatever this job does; the job
 * starts pauses and announces both ends. It runs every few seconds in the worker role: a buyer may
 * take a call or two more between its last unanswered call and the next run.
 */
export function createAutoPauseService(deps: { db: Db; clock: Clock }) {
  const repo = createAutoPauseRepo(deps.db);
  /** Resumes first, so a buyer's count starts afresh before it is looked at again. */
  async function run(): Promise<{ resumed: PauseChange[]; paused: PauseChange[] }> {
    const now = deps.clock.now();
    const resumed = await repo.resume(now);
    const paused = await repo.pause(now);
    return { resumed, paused };
  }
  return { run };
}

export type AutoPauseService = ReturnType<typeof createAutoPauseService>;
