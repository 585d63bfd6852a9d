import { createServersRepo } from '../ari/servers.repo.js';
import type { Db, Queryable } from '../db/db.js';
import { isUniqueViolation } from '../db/errors.js';
import type { Clock } from '../shared/clock.js';
import { badRequest, conflict, notFound, staleVersion } from '../shared/errors.js';
import { ianaZone } from '../shared/timezones.js';
import { toPage, type Actor, type Page, type PageRequest } from '../shared/types.js';
import {
  createDialerCampaignsRepo,
  DIALER_CAMPAIGN_NAME_KEY,
  type DialerCampaign,
  type DialerCampaignFields,
  type DialerCampaignStatus,
  type RetryPolicy,
} from './dialer-campaigns.repo.js';
import { createWindowsRepo, type RegionWindow } from './windows.repo.js';

export type { DialerCampaign, RetryPolicy } from './dialer-campaigns.repo.js';
export type { RegionWindow } from './windows.repo.js';

/** What a request may set: every field optional, `status` never 'archived' (that is DELETE). */
export type DialerCampaignInput = Partial<
  Omit<DialerCampaignFields, 'status' | 'retry_policy'> & {
    status: 'active' | 'paused';
    retry_policy: Partial<RetryPolicy>;
  }
>;

/** All an agent is shown of a campaign: what the console needs. */
export type AgentDialerCampaign = Pick<DialerCampaign, 'id' | 'name' | 'status' | 'mode' | 'dispositions'>;

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  busy: { delay_minutes: 15, max: 3 },
  no_answer: { delay_minutes: 60, max: 3 },
  machine: { delay_minutes: 240, max: 2 },
  failed: { delay_minutes: 30, max: 2 },
  abandoned: { delay_minutes: 30, max: 2 },
};

/** The defaults of migrations/0015_dialer.sql. */
const DEFAULTS: Omit<DialerCampaignFields, 'name'> = {
  status: 'paused',
  mode: 'progressive',
  server_id: null,
  max_dial_level: 3,
  abandon_target: 0.03,
  ring_timeout_seconds: 25,
  amd: 'off',
  machine_sound: null,
  abandon_sound: 'capconduit-abandon',
  retry_policy: DEFAULT_RETRY_POLICY,
  max_attempts: 5,
  callerid_campaign: null,
  dispositions: ['sale', 'callback', 'not_interested', 'wrong_number', 'dnc'],
  call_start: '08:00',
  call_end: '21:00',
  call_days: [1, 2, 3, 4, 5, 6, 7],
  unknown_tz_zone: null,
};

/** The input in stored form, with the checks one field can answer alone. */
function normalise(input: DialerCampaignInput): Partial<DialerCampaignFields> {
  const { retry_policy: _r, ...f } = input;
  const out: Partial<DialerCampaignFields> = { ...f };
  if (f.name !== undefined) {
    out.name = f.name.trim();
    if (out.name === '') throw badRequest('name must not be blank');
  }
  if (f.dispositions !== undefined && !f.dispositions.includes('dnc')) {
    throw badRequest(
      'dispositions must include "dnc": it is how an agent adds the number to the do-not-call list',
    );
  }
  if (f.call_days !== undefined) out.call_days = [...f.call_days].sort((a, b) => a - b);
  // ianaZone, not isValidTimezone: PostgreSQL reads abbreviations like CET or EST differently.
  if (f.unknown_tz_zone != null && ianaZone(f.unknown_tz_zone) === null) {
    throw badRequest(
      `unknown_tz_zone "${f.unknown_tz_zone}" is not an IANA time zone (e.g. America/Chicago)`,
    );
  }
  return out;
}

/**
 * The rules between fields, on the campaign as it would be stored. The server rule is checked when
 * the change is about status or server: an active campaign whose server was deleted (SET NULL)
 * can still be renamed, and is not dialled (the engine needs its server).
 */
function checkWhole(c: DialerCampaignFields, activation: boolean): void {
  if (c.call_start >= c.call_end) {
    throw badRequest(`call_start ${c.call_start} must be before call_end ${c.call_end}`);
  }
  if (c.amd === 'message' && c.machine_sound === null) {
    throw badRequest('amd "message" needs machine_sound: the sound a machine hears');
  }
  if (activation && c.status === 'active' && c.server_id === null) {
    throw conflict(
      'a campaign without a server (server_id) cannot be active: choose its Asterisk server first',
    );
  }
}

async function checkServer(tx: Queryable, serverId: number | null | undefined): Promise<void> {
  if (serverId == null) return;
  if (!(await createServersRepo(tx).get(serverId))) {
    throw badRequest(`server_id ${serverId}: no such Asterisk server`);
  }
}

/** A duplicate name is a 409 naming it; anything else goes on as it is. */
function nameTaken(name: () => string) {
  return (err: unknown): never => {
    if (isUniqueViolation(err, DIALER_CAMPAIGN_NAME_KEY)) {
      throw conflict(`a dialer campaign named "${name()}" already exists`, { name: name() });
    }
    throw err;
  };
}

function checkWindow(start: string, end: string): void {
  if (start >= end) throw badRequest(`window_start ${start} must be before window_end ${end}`);
}

/** Dialer campaigns (admin and staff; agents read the part their console needs) and region windows. */
export function createDialerCampaignsService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;
  const repo = createDialerCampaignsRepo(db);
  const windows = createWindowsRepo(db);

  /** The campaign, typed for the dialer engine. */
  async function get(id: number): Promise<DialerCampaign> {
    const c = await repo.get(id);
    if (!c) throw notFound('dialer campaign', id);
    return c;
  }

  /** A campaign as `actor` may see it. */
  function viewFor(actor: Actor, c: DialerCampaign): DialerCampaign | AgentDialerCampaign {
    if (actor.role !== 'agent') return c;
    return { id: c.id, name: c.name, status: c.status, mode: c.mode, dispositions: c.dispositions };
  }

  async function create(input: DialerCampaignInput & { name: string }): Promise<DialerCampaign> {
    const f = normalise(input);
    const whole: DialerCampaignFields = {
      ...DEFAULTS,
      ...f,
      name: f.name ?? '',
      retry_policy: { ...DEFAULT_RETRY_POLICY, ...input.retry_policy },
    };
    checkWhole(whole, true);
    const id = await db
      .transaction(async (tx) => {
        await checkServer(tx, whole.server_id);
        return createDialerCampaignsRepo(tx).insert(whole, clock.now());
      })
      .catch(nameTaken(() => whole.name));
    return get(id);
  }

  /**
   * A person's edit, on the locked row. `expected` (If-Match) or the body's `version` (the older
   * way to say it; If-Match wins), when given, must be the row's, so a change made on a stale copy
   * is refused (412) instead of silently undoing someone else's.
   */
  async function update(
    id: number,
    input: DialerCampaignInput & { version?: number | undefined },
    ifMatch?: number,
  ): Promise<DialerCampaign> {
    const { version: inBody, ...rest } = input;
    const version = ifMatch ?? inBody;
    const patch = normalise(rest);
    let name = patch.name ?? '';
    return db
      .transaction(async (tx) => {
        const r = createDialerCampaignsRepo(tx);
        const current = await r.lock(id);
        if (!current) throw notFound('dialer campaign', id);
        name = patch.name ?? current.name;
        if (version !== undefined && version !== current.version) {
          throw staleVersion('dialer campaign', current.version, version);
        }
        if (rest.retry_policy !== undefined) {
          patch.retry_policy = { ...current.retry_policy, ...rest.retry_policy };
        }
        if (Object.keys(patch).length === 0) return current;
        checkWhole({ ...current, ...patch }, patch.status !== undefined || patch.server_id !== undefined);
        await checkServer(tx, patch.server_id);
        await r.update(id, patch, clock.now());
        return (await r.get(id))!;
      })
      .catch(nameTaken(() => name));
  }

  /**
   * Archives a campaign (DELETE): refused while agents are in it or its calls are not over; with
   * `expected`, also unless it is still at that version (the row is locked, so it cannot move).
   */
  async function archive(id: number, expected?: number): Promise<void> {
    await db.transaction(async (tx) => {
      const r = createDialerCampaignsRepo(tx);
      const c = await r.lock(id);
      if (!c) throw notFound('dialer campaign', id);
      if (expected !== undefined && c.version !== expected)
        throw staleVersion('dialer campaign', c.version, expected);
      if (c.status === 'archived') return;
      const busy = await r.activity(id);
      if (busy.sessions > 0 || busy.open_calls > 0) {
        throw conflict(
          `the campaign has ${busy.sessions} agent(s) in it and ${busy.open_calls} call(s) in progress; pause it and archive it once they are gone`,
          busy,
        );
      }
      await r.update(id, { status: 'archived' }, clock.now());
    });
  }

  async function putWindow(
    country: string,
    region: string,
    w: { window_start: string; window_end: string },
  ): Promise<RegionWindow> {
    checkWindow(w.window_start, w.window_end);
    return windows.upsert({ country, region: region.toUpperCase(), ...w });
  }

  async function deleteWindow(country: string, region: string): Promise<void> {
    const r = region.toUpperCase();
    if (!(await windows.delete(country, r))) throw notFound('calling window', `${country}/${r}`);
  }

  return {
    get,
    list: async (
      actor: Actor,
      filter: { status?: DialerCampaignStatus | undefined },
      page: PageRequest,
    ): Promise<Page<DialerCampaign | AgentDialerCampaign>> => {
      const p = toPage(await repo.list(filter, page), page);
      return { ...p, items: p.items.map((c) => viewFor(actor, c)) };
    },
    show: async (actor: Actor, id: number) => viewFor(actor, await get(id)),
    create,
    update,
    archive,
    windows: () => windows.list(),
    putWindow,
    deleteWindow,
  };
}

export type DialerCampaignsService = ReturnType<typeof createDialerCampaignsService>;
