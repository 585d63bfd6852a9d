import type { Db, Queryable } from '../db/db.js';
import type { Clock } from '../shared/clock.js';
import { AppError, badRequest, conflict, notFound } from '../shared/errors.js';
import { normalisePhone } from '../shared/phone.js';
import { sellerScope, toPage, type Actor, type Page, type PageRequest } from '../shared/types.js';
import { createUsersRepo } from '../users/users.repo.js';
import { versionedWrite } from '../shared/versions.js';
import { createDidsRepo, type DidFilter, type DidRow } from './dids.repo.js';

export interface BulkReport {
  created: DidRow[];
  rejected: { input: string; reason: string }[];
}

/** An active seller, or a 400 that says what the id is instead. */
export async function requireSeller(db: Queryable, sellerId: number): Promise<void> {
  const user = await createUsersRepo(db).get(sellerId);
  if (!user) throw badRequest(`seller ${sellerId} does not exist`);
  if (user.role !== 'seller') throw badRequest(`user ${sellerId} is not a seller`);
  if (user.status !== 'active') throw badRequest(`seller ${sellerId} is disabled`);
}

export function createDidsService(deps: { db: Db; clock: Clock; defaultRegion: string }) {
  const { db, clock } = deps;
  const repo = createDidsRepo(db);

  async function get(actor: Actor, id: number): Promise<DidRow> {
    const did = await repo.get(id, sellerScope(actor));
    if (!did) throw notFound('DID', id);
    return did;
  }

  async function list(actor: Actor, filter: DidFilter, page: PageRequest): Promise<Page<DidRow>> {
    const scope = sellerScope(actor);
    return toPage(await repo.list({ ...filter, sellerId: scope ?? filter.sellerId }, page), page);
  }

  async function addMany(inputs: { number: string; notes?: string | undefined }[]): Promise<BulkReport> {
    const rejected: BulkReport['rejected'] = [];
    const seen = new Set<string>();
    const rows: Parameters<typeof repo.insertMany>[0] = [];
    for (const input of inputs) {
      const n = normalisePhone(input.number, deps.defaultRegion as never);
      if ('error' in n) {
        rejected.push({ input: input.number, reason: n.error });
      } else if (seen.has(n.e164)) {
        rejected.push({ input: input.number, reason: `${n.e164} appears twice in this request` });
      } else {
        seen.add(n.e164);
        rows.push({
          number: n.e164,
          country: n.country,
          area_code: n.areaCode,
          notes: input.notes?.trim() || null,
        });
      }
    }
    const created = rows.length === 0 ? [] : await repo.insertMany(rows);
    const createdNumbers = new Set(created.map((d) => d.number));
    for (const r of rows) {
      if (!createdNumbers.has(r.number))
        rejected.push({ input: r.number, reason: `${r.number} is already in the inventory` });
    }
    return { created, rejected };
  }

  async function addOne(input: { number: string; notes?: string | undefined }): Promise<DidRow> {
    const report = await addMany([input]);
    const first = report.created[0];
    if (first) return first;
    const reason = report.rejected[0]?.reason ?? 'rejected';
    throw reason.includes('already') ? conflict(reason) : new AppError('validation_failed', reason);
  }

  async function assign(id: number, sellerId: number): Promise<DidRow> {
    return db.transaction(async (tx) => {
      const r = createDidsRepo(tx);
      const did = await r.get(id, null, true);
      if (!did) throw notFound('DID', id);
      if (did.status !== 'available') throw conflict(`DID ${did.number} is ${did.status}, not available`);
      await requireSeller(tx, sellerId);
      const [row] = await r.setOwner([id], { status: 'assigned', sellerId }, clock.now());
      return row!;
    });
  }

  async function release(id: number, status: 'available' | 'retired'): Promise<DidRow> {
    return db.transaction(async (tx) => {
      const r = createDidsRepo(tx);
      const did = await r.get(id, null, true);
      if (!did) throw notFound('DID', id);
      if (did.status === 'retired') throw conflict(`DID ${did.number} is retired`);
      if (status === 'available' && did.status === 'available')
        throw conflict(`DID ${did.number} is not assigned`);
      const [row] = await r.setOwner([id], { status, sellerId: null }, clock.now());
      return row!;
    });
  }

  /** A person's edit; with `expected`, refused (412) unless the DID is still at that version. */
  async function setNotes(
    actor: Actor,
    id: number,
    notes: string | null,
    expected?: number,
  ): Promise<DidRow> {
    await get(actor, id);
    return versionedWrite(
      'DID',
      id,
      expected,
      () => repo.setNotes(id, notes, clock.now(), expected),
      () => repo.version(id),
    );
  }

  return {
    list,
    get,
    addOne,
    addMany,
    assign,
    unassign: (id: number) => release(id, 'available'),
    retire: (id: number) => release(id, 'retired'),
    setNotes,
  };
}

export type DidsService = ReturnType<typeof createDidsService>;
