import type { Queryable } from '../db/db.js';
import { AppError, badRequest } from '../shared/errors.js';
import { normalisePhone } from '../shared/phone.js';
import { createCallerIdRepo } from './callerid.repo.js';
import { callerIdFacts } from './facts.js';

export interface CallerIdInput {
  caller_id: string;
  /** When given, must be the number's own area code. */
  area_code?: string | undefined;
  carrier?: string | undefined;
  hourly_limit?: number | null | undefined;
  daily_limit?: number | null | undefined;
  /** Live calls it may serve at once (default 1). */
  max_concurrent?: number | undefined;
  meta?: Record<string, unknown> | undefined;
}

export { MAX_CONCURRENT } from './allocation.repo.js';

/** How deep a caller ID's `meta` may nest: deeper JSON overflowed the stack while being written (a 500). */
export const META_MAX_DEPTH = 32;

/** Refuses a `meta` nested deeper than META_MAX_DEPTH (counted without recursion, so any depth is safe). */
export function checkMeta(meta: unknown): void {
  const pending: [value: unknown, depth: number][] = [[meta, 1]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [value, depth] = next;
    if (value === null || typeof value !== 'object') continue;
    if (depth > META_MAX_DEPTH) throw badRequest(`meta: nested deeper than ${META_MAX_DEPTH} levels`);
    for (const v of Object.values(value)) pending.push([v, depth + 1]);
  }
}

/** Normalises a caller ID, derives its area code, state and time zone, and adds it to a pool. */
export async function addCallerIdToPool(
  db: Queryable,
  poolId: number,
  input: CallerIdInput,
  defaultRegion: string,
) {
  checkMeta(input.meta);
  const n = normalisePhone(input.caller_id, defaultRegion as never);
  if ('error' in n) throw badRequest(`caller_id: ${n.error}`);
  const facts = callerIdFacts(n);
  if (input.area_code !== undefined && input.area_code !== facts.areaCode) {
    throw badRequest(`area_code ${input.area_code} does not match ${n.e164}`);
  }
  const row = await createCallerIdRepo(db).insertNumber({
    poolId,
    number: n.e164,
    areaCode: facts.areaCode,
    region: facts.region,
    timezone: facts.timezone,
    carrier: input.carrier?.trim() || null,
    hourlyLimit: input.hourly_limit ?? null,
    dailyLimit: input.daily_limit ?? null,
    maxConcurrent: input.max_concurrent ?? 1,
    meta: input.meta ?? {},
  });
  if (!row) throw new AppError('conflict', `${n.e164} is already a caller ID`);
  return { id: row.id, number: row.number, facts };
}
