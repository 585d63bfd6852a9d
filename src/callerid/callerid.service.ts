import type { Db } from '../db/db.js';
import type { SettingsService } from '../settings/settings.service.js';
import type { Clock } from '../shared/clock.js';
import { AppError, notFound } from '../shared/errors.js';
import { normalisePhone } from '../shared/phone.js';
import { createCallerIdRepo } from './callerid.repo.js';
import type { MatchLevel } from './allocation.repo.js';
import { createAllocator } from './allocator.js';
import { addCallerIdToPool } from './add-number.js';
import { nanpInfo } from './nanp.js';

export interface AllocationRequest {
  to?: string | undefined;
  campaign?: string | undefined;
  agent?: string | undefined;
}

export interface Allocation {
  /** As dialers put it in CALLERID(num): 10 digits for NANP numbers, E.164 digits otherwise. */
  caller_id: string;
  caller_id_e164: string;
  expires_at: Date;
  campaign: string | null;
  agent: string | null;
  reservation_id: number;
  match: MatchLevel;
}

export interface NewCallerId {
  caller_id: string;
  carrier?: string | undefined;
  area_code?: string | undefined;
  daily_limit?: number | null | undefined;
  hourly_limit?: number | null | undefined;
  max_concurrent?: number | undefined;
  meta?: Record<string, unknown> | undefined;
  campaign?: string | undefined;
}

/** The digits a dialer sends as caller ID for an E.164 number. */
export function dialerFormat(e164: string): string {
  return e164.startsWith('+1') && e164.length === 12 ? e164.slice(2) : e164.slice(1);
}

/**
 * Caller-ID rotation (SPEC "Caller-ID rotation"): for a destination, the least recently used
 * number with the destination's area code, else its state/province, else the campaign's pool,
 * else the global pool; never one that is reserved, cooling down, disabled or at its limit.
 */
export function createCallerIdService(deps: {
  db: Db;
  clock: Clock;
  settings: SettingsService;
  defaultRegion: string;
}) {
  const repo = createCallerIdRepo(deps.db);
  const allocator = createAllocator(deps);
  /**
   * Why nothing is free, per campaign: counting it reads the whole pool, so it is computed at
   * most once a second per process, shared by the requests refused meanwhile, and forgotten as
   * soon as a request of that campaign gets a number. A dialer hammering an exhausted pool then
   * costs the database the failed picks (batched), not one full count per request.
   */
  const shortages = new Map<string, { at: number; counts: ReturnType<typeof repo.shortage> }>();
  function shortage(campaign: string | null, now: Date): ReturnType<typeof repo.shortage> {
    const key = campaign ?? '';
    const known = shortages.get(key);
    const age = now.getTime() - (known?.at ?? Number.NEGATIVE_INFINITY);
    if (known && age >= 0 && age < 1000) return known.counts;
    const counts = repo.shortage(campaign, now);
    shortages.set(key, { at: now.getTime(), counts });
    counts.catch(() => shortages.delete(key));
    return counts;
  }
  /**
   * A campaign's own pools (none for most: a dialer's label), or (null) the shared ones, asked of
   * the database at most once a second per campaign: a pool made, moved or removed takes effect
   * within a second. Bounded: a flood of made-up names forgets the oldest, it does not grow.
   */
  const poolCache = new Map<string, { at: number; ids: Promise<number[]> }>();
  function poolIds(campaign: string | null, now: Date): Promise<number[]> {
    const key = campaign === null ? '' : `c:${campaign}`;
    const known = poolCache.get(key);
    const age = now.getTime() - (known?.at ?? Number.NEGATIVE_INFINITY);
    if (known && age >= 0 && age < 1000) return known.ids;
    if (poolCache.size >= 10_000) poolCache.delete(poolCache.keys().next().value!);
    const ids = repo.poolIds(campaign);
    poolCache.delete(key);
    poolCache.set(key, { at: now.getTime(), ids });
    // No shared pool yet (a new install): asked again next time, so the first number added
    // serves at once.
    ids.then(
      (found) => campaign === null && found.length === 0 && poolCache.delete(key),
      () => poolCache.delete(key),
    );
    return ids;
  }
  /** Ended cooldowns are lifted at most once a second per process (a number may wait that long). */
  let cooldownsCheckedAt = Number.NEGATIVE_INFINITY;

  async function next(req: AllocationRequest): Promise<Allocation> {
    const to = req.to?.trim();
    if (!to)
      throw new AppError('validation_failed', 'the destination number (to) is required', {
        details: { field: 'to' },
      });
    const dest = normalisePhone(to, deps.defaultRegion as never);
    if ('error' in dest)
      throw new AppError('validation_failed', `invalid destination: ${dest.error}`, {
        details: { field: 'to' },
      });
    const campaign = req.campaign?.trim() || null;
    const agent = req.agent?.trim() || null;
    const now = deps.clock.now();
    if (now.getTime() - cooldownsCheckedAt >= 1000 || now.getTime() < cooldownsCheckedAt) {
      cooldownsCheckedAt = now.getTime();
      await repo.endCooldowns(now);
    }
    const ttlSeconds = Number(await deps.settings.value('callerid.reservation_ttl_seconds'));
    const durable = (await deps.settings.value('callerid.durable_allocations')) === true;
    const info = nanpInfo(dest.e164);
    // A campaign is the dialer's label (seed 003): one with no pool of its own is served from the
    // global pools exactly as a request without one (and batched with them), its uses still
    // recorded under its name. One with its own pool tries that pool first at every level.
    const shared = await poolIds(null, now);
    const own = campaign === null ? [] : await poolIds(campaign, now);
    const steps: [MatchLevel, number[]][] = [];
    for (const level of info ? (['area_code', 'region'] as const) : []) {
      if (own.length > 0) steps.push([level, own]);
      steps.push([level, shared]);
    }
    if (own.length > 0) steps.push(['campaign_pool', own]);
    steps.push(['global', shared]);
    const rateLimit =
      agent === null ? null : Number(await deps.settings.value('callerid.agent_requests_per_minute'));
    // What each level matches the destination on (the pool levels need nothing of it).
    const keyOf: Record<MatchLevel, string | null> = {
      area_code: info?.areaCode ?? null,
      region: info?.region ?? null,
      campaign_pool: null,
      global: null,
    };
    for (const [i, [level, pools]] of steps.entries()) {
      // The first level also counts the request against the agent's limit, and takes nothing
      // when the agent is over it.
      const { taken, rate, expires } = await allocator.take(level, pools, {
        key: keyOf[level],
        destination: dest.e164,
        agent,
        campaign,
        counted: i === 0 && rateLimit !== null,
        ttlSeconds,
        rateLimit,
        durable,
      });
      if (rate !== null && rateLimit !== null && rate > rateLimit) {
        throw new AppError(
          'too_many_requests',
          `agent ${agent} made more than ${rateLimit} requests this minute`,
          {
            retryAfter: 60 - now.getUTCSeconds(),
          },
        );
      }
      if (taken) {
        shortages.delete(campaign ?? '');
        return {
          caller_id: dialerFormat(taken.number),
          caller_id_e164: taken.number,
          expires_at: expires,
          campaign,
          agent,
          reservation_id: taken.reservation_id,
          match: level,
        };
      }
    }
    const s = await shortage(campaign, now);
    // The largest group says why: nothing in the pool, or most numbers reserved, cooling down or at a limit.
    const reason =
      s.total === 0
        ? 'pool_empty'
        : s.cooling_down >= s.reserved && s.cooling_down >= s.at_limit
          ? 'all_in_cooldown'
          : s.reserved >= s.at_limit
            ? 'all_reserved'
            : 'all_at_limit';
    const words = {
      pool_empty: 'the pool is empty',
      all_in_cooldown: 'every number is in cooldown',
      all_reserved: 'every number is reserved',
      all_at_limit: 'every number is at its limit',
    };
    throw new AppError('no_number_available', `no caller ID available: ${words[reason]}`, {
      details: { reason, ...s },
    });
  }

  async function release(reservationId: number): Promise<void> {
    if (!(await repo.release(reservationId, deps.clock.now())))
      throw notFound('active reservation', reservationId);
  }

  async function add(input: NewCallerId) {
    const campaign = input.campaign?.trim() || null;
    const added = await addCallerIdToPool(deps.db, await repo.poolId(campaign), input, deps.defaultRegion);
    return {
      id: added.id,
      caller_id: added.number,
      area_code: added.facts.areaCode,
      region: added.facts.region,
      campaign,
    };
  }

  /**
   * How the call ended (from the dialer's hangup): feeds the statistics, ends the reservation,
   * and sends a number whose answer rate fell below the threshold to cooldown by itself.
   */
  async function report(reservationId: number, outcome: { answered: boolean; billsec: number }) {
    const now = deps.clock.now();
    const done = await repo.report(reservationId, outcome, now);
    if (!done) throw notFound('unreported reservation', reservationId);
    const window = Number(await deps.settings.value('callerid.cooldown_window_calls'));
    const minRate = String(await deps.settings.value('callerid.cooldown_min_answer_rate'));
    const minutes = Number(await deps.settings.value('callerid.cooldown_minutes'));
    const cooled = await repo.coolDownIfPoor(
      done.number_id,
      window,
      minRate,
      new Date(now.getTime() + minutes * 60_000),
      now,
    );
    return { reservation_id: reservationId, cooled_down: cooled };
  }

  return { next, release, add, report };
}

export type CallerIdService = ReturnType<typeof createCallerIdService>;
