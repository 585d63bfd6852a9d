import type { Db } from '../db/db.js';
import type { Clock } from '../shared/clock.js';
import { badRequest, conflict, notFound, staleVersion } from '../shared/errors.js';
import { sellerScope, type Actor } from '../shared/types.js';
import { versionedWrite } from '../shared/versions.js';
import { addCallerIdToPool, checkMeta } from './add-number.js';
import {
  createCallerIdManageRepo,
  type NumberChanges,
  type NumberPatch,
  type PoolRow,
} from './manage.repo.js';

export type { NumberChanges };

export interface NewNumber {
  caller_id: string;
  pool_id: number;
  carrier?: string | undefined;
  hourly_limit?: number | null | undefined;
  daily_limit?: number | null | undefined;
  max_concurrent?: number | undefined;
  meta?: Record<string, unknown> | undefined;
}

/**
 * Caller-ID pools and numbers for people: admins and staff run every pool, a seller only the
 * pools of their own dialer campaigns (another seller's pool or number is a 404). The dialer's
 * own API is callerid.service.ts.
 */
export function createCallerIdManagement(deps: { db: Db; clock: Clock; defaultRegion: string }) {
  const { db, clock } = deps;
  const repo = createCallerIdManageRepo(db);

  async function pool(actor: Actor, id: number): Promise<PoolRow> {
    const row = await repo.pool(id, sellerScope(actor));
    if (!row) throw notFound('caller-ID pool', id);
    return row;
  }

  /** Throws unless the actor may change the number. */
  async function ownNumber(actor: Actor, id: number): Promise<void> {
    if (!(await repo.numberVisible(id, sellerScope(actor)))) throw notFound('caller ID', id);
  }

  return {
    pools: (actor: Actor) => repo.pools(sellerScope(actor)),
    pool,
    async createPool(
      actor: Actor,
      input: { name: string; campaign?: string | null | undefined },
    ): Promise<PoolRow> {
      const seller = sellerScope(actor);
      if (seller !== null && !input.campaign)
        throw badRequest("a seller's pool belongs to a dialer campaign: give campaign");
      const id = await repo.insertPool(input.name.trim(), input.campaign ?? null, seller);
      return pool(actor, id);
    },
    /** A person's edit; with `expected`, refused (412) unless the pool is still at that version. */
    async updatePool(
      actor: Actor,
      id: number,
      patch: { name?: string | undefined; campaign?: string | null | undefined },
      expected?: number,
    ): Promise<PoolRow> {
      const current = await pool(actor, id);
      if (current.seller_id !== null && patch.campaign === null)
        throw badRequest("a seller's pool keeps a campaign");
      await versionedWrite(
        'caller-ID pool',
        id,
        expected,
        () => repo.updatePool(id, { ...patch, updated_at: clock.now() }, expected),
        () => repo.poolVersion(id),
      );
      return pool(actor, id);
    },
    async deletePool(actor: Actor, id: number, expected?: number): Promise<void> {
      const row = await pool(actor, id);
      if (expected !== undefined && row.version !== expected)
        throw staleVersion('caller-ID pool', row.version, expected);
      if (row.numbers > 0)
        throw conflict(`pool ${row.name} still has ${row.numbers} numbers; move or delete them first`);
      await versionedWrite(
        'caller-ID pool',
        id,
        expected,
        async () => ((await repo.deletePool(id, expected)) ? true : undefined),
        () => repo.poolVersion(id),
      );
    },
    async addNumber(actor: Actor, input: NewNumber): Promise<{ id: number; caller_id: string }> {
      await pool(actor, input.pool_id);
      const added = await addCallerIdToPool(db, input.pool_id, input, deps.defaultRegion);
      return { id: added.id, caller_id: added.number };
    },
    /**
     * A person's change; with `expected`, refused (412) unless the number is still at that
     * version. Its new version.
     */
    async updateNumber(actor: Actor, id: number, changes: NumberChanges, expected?: number): Promise<number> {
      checkMeta(changes.meta);
      await ownNumber(actor, id);
      if (changes.pool_id !== undefined) await pool(actor, changes.pool_id);
      const patch: NumberPatch = { ...changes, updated_at: clock.now() };
      // A status set by hand has no automatic end.
      if (changes.status !== undefined) patch.cooldown_until = null;
      return versionedWrite(
        'caller ID',
        id,
        expected,
        () => repo.updateNumber(id, patch, expected),
        () => repo.numberVersion(id),
      );
    },
    async deleteNumber(actor: Actor, id: number, expected?: number): Promise<void> {
      await ownNumber(actor, id);
      await versionedWrite(
        'caller ID',
        id,
        expected,
        async () => ((await repo.deleteNumber(id, expected)) ? true : undefined),
        () => repo.numberVersion(id),
      );
    },
  };
}

export type CallerIdManagement = ReturnType<typeof createCallerIdManagement>;
