import type { Db } from '../db/db.js';
import type { Clock } from '../shared/clock.js';
import { badRequest, conflict, notFound } from '../shared/errors.js';
import type { SecretBox } from '../shared/secrets.js';
import { versionedWrite } from '../shared/versions.js';
import { normaliseAriUrl } from './url.js';
import { createServersRepo, type ServerFields, type ServerRecord } from './servers.repo.js';

/** Where and how to reach one Asterisk's ARI (the password opened). */
export interface AriConnection {
  url: string;
  username: string;
  password: string;
  app: string;
}

/** Asks an Asterisk who it is (GET /asterisk/info); rejects with the reason it could not. */
export type AriProbe = (conn: AriConnection) => Promise<{ version: string }>;

/** A server as the API shows it: never its password. */
export type ServerView = Omit<ServerRecord, 'ari_password'> & { has_password: boolean };

export interface ServerInput {
  name: string;
  pbx: string;
  ari_url: string;
  ari_username: string;
  ari_password: string;
  app_name?: string | undefined;
  outbound_trunk?: string | undefined;
  enabled?: boolean | undefined;
}

/**
 * An ARI base URL as CapConduit keeps it: normalised once by the client's rule (url.ts), so
 * `http://pbx:8088`, `…/ari` and `…/ari/` are one server and `/ari/ari` cannot happen.
 */
function ariUrl(input: string): string {
  try {
    return normaliseAriUrl(input);
  } catch (err) {
    throw badRequest(`ari_url: ${(err as Error).message} (expected e.g. http://10.0.0.5:8088)`);
  }
}

function checkTrunk(trunk: string): string {
  const t = trunk.trim();
  if (!/^[A-Za-z]+\/\S*\{number\}\S*$/.test(t)) {
    throw badRequest(
      `outbound_trunk "${trunk}" must be a dial string containing {number}, e.g. PJSIP/{number}@carrier`,
    );
  }
  return t;
}

export function view(s: ServerRecord): ServerView {
  const { ari_password, ...rest } = s;
  return { ...rest, has_password: ari_password !== '' };
}

/** How long a process reuses the list of enabled servers it read. */
const ENABLED_TTL_MS = 1000;

/** Asterisk servers (admin): registered with their ARI address; the password sealed, never shown. */
export function createServersService(deps: {
  db: Db;
  clock: Clock;
  secrets: () => SecretBox;
  probe: AriProbe;
}) {
  const repo = createServersRepo(deps.db);

  /**
   * The enabled servers as read at most ENABLED_TTL_MS ago: every click-to-call and call end
   * needs its server's address, and the list changes a few times a year. A change made through
   * this service is seen at once here; one made by another process within ENABLED_TTL_MS.
   */
  let enabledCache: { at: number; list: Promise<ServerRecord[]> } | undefined;
  function enabled(): Promise<ServerRecord[]> {
    const now = Date.now();
    if (!enabledCache || now - enabledCache.at > ENABLED_TTL_MS) {
      const list = repo.list({ enabled: true });
      enabledCache = { at: now, list };
      // A failed read is not kept: the next caller asks the database again.
      list.catch(() => {
        if (enabledCache?.list === list) enabledCache = undefined;
      });
    }
    return enabledCache.list;
  }
  const changed = () => (enabledCache = undefined);

  /** A server for a request to its ARI: from the enabled list, else read (a disabled one's open calls). */
  async function forRequest(id: number): Promise<ServerRecord | undefined> {
    return (await enabled()).find((s) => s.id === id) ?? repo.get(id);
  }

  async function get(id: number): Promise<ServerRecord> {
    const s = await repo.get(id);
    if (!s) throw notFound('Asterisk server', id);
    return s;
  }

  function fields(input: Partial<ServerInput>): Partial<ServerFields> {
    const f: Partial<ServerFields> = {};
    if (input.name !== undefined) {
      f.name = input.name.trim();
      if (f.name === '') throw badRequest('name must not be blank');
    }
    if (input.pbx !== undefined) f.pbx = input.pbx;
    if (input.ari_url !== undefined) f.ari_url = ariUrl(input.ari_url);
    if (input.ari_username !== undefined) f.ari_username = input.ari_username;
    if (input.ari_password !== undefined) f.ari_password = deps.secrets().seal(input.ari_password);
    if (input.app_name !== undefined) f.app_name = input.app_name;
    if (input.outbound_trunk !== undefined) f.outbound_trunk = checkTrunk(input.outbound_trunk);
    if (input.enabled !== undefined) f.enabled = input.enabled;
    return f;
  }

  async function create(input: ServerInput): Promise<ServerView> {
    const f = fields({
      ...input,
      app_name: input.app_name ?? 'capconduit',
      outbound_trunk: input.outbound_trunk ?? 'PJSIP/{number}@carrier',
      enabled: input.enabled ?? true,
    }) as ServerFields;
    const id = await repo.insert(f);
    changed();
    return view(await get(id));
  }

  /** A person's edit; with `expected`, refused (412) unless the server is still at that version. */
  async function update(id: number, input: Partial<ServerInput>, expected?: number): Promise<ServerView> {
    await get(id);
    const patch = fields(input);
    await versionedWrite(
      'Asterisk server',
      id,
      expected,
      () => repo.update(id, patch, deps.clock.now(), expected),
      () => repo.version(id),
    );
    changed();
    return view(await get(id));
  }

  /** How to reach a server's ARI, the password opened (for the connector; never for the API). */
  function connection(s: ServerRecord): AriConnection {
    return {
      url: s.ari_url,
      username: s.ari_username,
      password: deps.secrets().open(s.ari_password),
      app: s.app_name,
    };
  }

  /** "Test connection": really calls the server, and keeps what it found. */
  async function test(id: number): Promise<ServerView> {
    const s = await get(id);
    const at = deps.clock.now();
    try {
      const info = await deps.probe(connection(s));
      await repo.setHealth(id, { status: 'ok', version: info.version, error: null, at });
    } catch (err) {
      await repo.setHealth(id, { status: 'error', error: (err as Error).message, at });
    }
    return view(await get(id));
  }

  async function remove(id: number, expected?: number): Promise<void> {
    await get(id);
    const n = await repo.openCalls(id);
    if (n > 0)
      throw conflict(`${n} call(s) in progress on this server; disable it and delete it once they end`);
    await versionedWrite(
      'Asterisk server',
      id,
      expected,
      async () => ((await repo.delete(id, expected)) ? true : undefined),
      () => repo.version(id),
    );
    changed();
  }

  return {
    list: async () => (await repo.list()).map(view),
    get: async (id: number) => view(await get(id)),
    create,
    update,
    test,
    remove,
    connection,
    enabled,
    forRequest,
    repo,
  };
}

export type ServersService = ReturnType<typeof createServersService>;
