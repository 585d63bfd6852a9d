import type { Db } from '../db/db.js';
import type { Clock } from '../shared/clock.js';
import { AppError, conflict, notFound, staleVersion } from '../shared/errors.js';
import { assertValidHours } from '../shared/hours.js';
import { toPage, type Page, type PageRequest } from '../shared/types.js';
import { createClientsRepo, type ClientFields, type ClientRecord } from './clients.repo.js';
import { DEFAULT_QUALIFY_FREQUENCY, MAX_QUALIFY_FREQUENCY, pjsipRowsFor } from './pjsip.js';
import { createPjsipRepo } from './pjsip.repo.js';

/** A client as the API shows it: the SIP password is write-only. */
export type ClientView = Omit<ClientRecord, 'auth_password' | 'codecs'> & {
  codecs: string[];
  has_password: boolean;
};

export type ClientInput = Partial<Omit<ClientFields, 'codecs'>> & { codecs?: string[] };

const DEFAULTS: Omit<ClientFields, 'name' | 'client_identifier'> = {
  status: 'active',
  sip_mode: 'static',
  sip_host: null,
  sip_port: null,
  sip_transport: 'udp',
  codecs: 'ulaw,alaw',
  auth_username: null,
  auth_password: null,
  max_concurrency: null,
  qualify_frequency: DEFAULT_QUALIFY_FREQUENCY,
  timezone: 'UTC',
  business_hours: null,
  notes: null,
  auto_pause_unanswered: null,
  auto_pause_minutes: 60,
};

export function toClientView(c: ClientRecord): ClientView {
  const { auth_password, codecs, ...rest } = c;
  return { ...rest, codecs: codecs.split(',').filter(Boolean), has_password: auth_password !== null };
}

function toFields(input: ClientInput): Partial<ClientFields> {
  const { codecs, ...rest } = input;
  assertValidHours(input.business_hours, 'business_hours');
  return codecs === undefined ? rest : { ...rest, codecs: [...new Set(codecs)].join(',') };
}

/** The same rules the database checks, said in words a person can act on. */
function assertSipComplete(c: ClientFields): void {
  if (c.sip_mode === 'static' && !c.sip_host) {
    throw new AppError('validation_failed', 'sip_host is required for a client reached at a static address');
  }
  if ((c.auth_username === null) !== (c.auth_password === null)) {
    throw new AppError('validation_failed', 'auth_username and auth_password go together');
  }
  if (c.sip_mode === 'registering' && c.auth_username === null) {
    throw new AppError('validation_failed', 'a registering client needs auth_username and auth_password');
  }
  const q = c.qualify_frequency;
  if (!Number.isInteger(q) || q < 0 || q > MAX_QUALIFY_FREQUENCY) {
    throw new AppError(
      'validation_failed',
      `qualify_frequency is whole seconds from 0 (never) to ${MAX_QUALIFY_FREQUENCY}, which Asterisk accepts`,
    );
  }
}

/**
 * Buyer call centers. Every write also rewrites the client's PJSIP realtime rows in the same
 * transaction; a disabled client has none, so Asterisk cannot reach it at all.
 */
export function createClientsService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;

  async function getRecord(id: number): Promise<ClientRecord> {
    const c = await createClientsRepo(db).get(id);
    if (!c) throw notFound('client', id);
    return c;
  }

  async function create(
    input: ClientInput & { name: string; client_identifier: string },
  ): Promise<ClientView> {
    const fields: ClientFields = { ...DEFAULTS, ...toFields(input) } as ClientFields;
    assertSipComplete(fields);
    const created = await db.transaction(async (tx) => {
      const row = await createClientsRepo(tx).insert(fields);
      if (row.status === 'active') await createPjsipRepo(tx).replace(null, pjsipRowsFor(row));
      return row;
    });
    return toClientView(created);
  }

  /**
   * A person's edit; with `expected`, refused (412) unless the client is still at that version.
   * The row is locked first (its PJSIP rows are rewritten from it), and the UPDATE still checks
   * the version itself.
   */
  async function update(id: number, input: ClientInput, expected?: number): Promise<ClientView> {
    const updated = await db.transaction(async (tx) => {
      const repo = createClientsRepo(tx);
      const before = await repo.get(id, true);
      if (!before) throw notFound('client', id);
      const patch = toFields(input);
      assertSipComplete({ ...before, ...patch });
      const after = await repo.update(id, patch, clock.now(), expected);
      if (!after) throw staleVersion('client', before.version, expected ?? before.version);
      const pjsip = createPjsipRepo(tx);
      if (after.status === 'active') await pjsip.replace(before.client_identifier, pjsipRowsFor(after));
      else await pjsip.remove(before.client_identifier);
      return after;
    });
    return toClientView(updated);
  }

  async function remove(id: number, expected?: number): Promise<void> {
    await db.transaction(async (tx) => {
      const repo = createClientsRepo(tx);
      const client = await repo.get(id, true);
      if (!client) throw notFound('client', id);
      // The row is locked: its version cannot move before the delete, which checks it again.
      if (expected !== undefined && client.version !== expected) {
        throw staleVersion('client', client.version, expected);
      }
      const links = await repo.linkCount(id);
      if (links > 0)
        throw conflict(`client is linked to ${links} campaign(s); remove the links or disable the client`);
      await createPjsipRepo(tx).remove(client.client_identifier);
      if (!(await repo.delete(id, expected))) throw notFound('client', id);
    });
  }

  return {
    list: async (
      filter: { status?: string | undefined; q?: string | undefined },
      page: PageRequest,
    ): Promise<Page<ClientView>> => {
      const p = toPage(await createClientsRepo(db).list(filter, page), page);
      return { ...p, items: p.items.map(toClientView) };
    },
    get: async (id: number): Promise<ClientView> => toClientView(await getRecord(id)),
    directory: () => createClientsRepo(db).directory(),
    create,
    update,
    remove,
  };
}

export type ClientsService = ReturnType<typeof createClientsService>;
