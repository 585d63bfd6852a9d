import { hashPassword } from '../auth/passwords.js';
import { generatePassword } from '../auth/tokens.js';
import { createPjsipRepo } from '../clients/pjsip.repo.js';
import type { Db, Queryable } from '../db/db.js';
import type { Clock } from '../shared/clock.js';
import { AppError, conflict, notFound, staleVersion } from '../shared/errors.js';
import { toPage, type Actor, type Page, type PageRequest } from '../shared/types.js';
import { createUsersRepo } from '../users/users.repo.js';
import type { AgentStatusService } from './agent-status.service.js';
import type { ChangeNotifier } from './changes.js';
import { createAgentsRepo, type AgentFields, type AgentFilter, type AgentRecord } from './agents.repo.js';
import { AGENT_CONTEXT, agentPjsipRows, DEFAULT_CODECS, DEFAULT_WEBRTC_CODECS } from './pjsip.js';
import { isReadyForCalls } from './registration.js';

/** An agent as the API shows it: the SIP secret is never in it (only in create and reset answers). */
export type AgentView = Omit<AgentRecord, 'sip_secret' | 'codecs' | 'status_version'> & {
  codecs: string[];
  /** Available with a registered phone: a dialer may offer this agent a call. */
  ready: boolean;
};

export type AgentInput = Partial<Omit<AgentFields, 'codecs'>> & { codecs?: string[] | undefined };

export interface NewAgentUser {
  email: string;
  name: string;
  password: string;
}

/** For an existing user with role agent (`user_id`), or a new one made with it (`user`, admins only). */
export type NewAgent = AgentInput & { extension: string; user_id?: number | undefined; user?: NewAgentUser };

/** The secret is shown once: in this answer to create and reset, never again. */
export interface AgentWithSecret {
  agent: AgentView;
  sip_secret: string;
}

const BUSY: readonly string[] = ['ringing', 'on_call'];

export function toAgentView(a: AgentRecord): AgentView {
  const { sip_secret: _secret, status_version: _version, codecs, ...rest } = a;
  return { ...rest, codecs: codecs.split(',').filter(Boolean), ready: isReadyForCalls(a) };
}

function toFields(input: AgentInput): Partial<AgentFields> {
  const { codecs, ...rest } = input;
  return codecs === undefined ? rest : { ...rest, codecs: [...new Set(codecs)].join(',') };
}

function defaultsFor(input: NewAgent): AgentFields {
  const webrtc = input.webrtc ?? false;
  return {
    extension: input.extension,
    endpoint_id: `agent-${input.extension}`,
    context: AGENT_CONTEXT,
    codecs: (webrtc ? DEFAULT_WEBRTC_CODECS : DEFAULT_CODECS).join(','),
    max_contacts: 1,
    webrtc,
    transport: null,
    wrap_up_seconds: null,
  };
}

/** Writes (or rewrites) the agent's PJSIP rows; a disabled user's phone has none, so it cannot register. */
async function writeRows(tx: Queryable, a: AgentRecord, oldEndpoint: string | null): Promise<void> {
  if (a.user_status === 'active') {
    const pjsip = createPjsipRepo(tx, { keepContacts: oldEndpoint === a.endpoint_id });
    await pjsip.replace(oldEndpoint, agentPjsipRows(a));
  } else if (oldEndpoint !== null) await createPjsipRepo(tx).remove(oldEndpoint);
}

/**
 * Agents and their phones. Every write also writes the agent's PJSIP realtime rows in the same
 * transaction (as clients do), so Asterisk never sees an agent half made.
 */
export function createAgentsService(deps: {
  db: Db;
  clock: Clock;
  status: AgentStatusService;
  changes: ChangeNotifier;
}) {
  const { db, clock, status, changes } = deps;

  async function load(q: Queryable, id: number, lock = false): Promise<AgentRecord> {
    const a = await createAgentsRepo(q).get(id, lock);
    if (!a) throw notFound('agent', id);
    return a;
  }

  /** The user an extension is made for: must exist, be an agent, and be active (or be made now). */
  async function userFor(tx: Queryable, input: NewAgent, passwordHash: string | undefined): Promise<number> {
    if (input.user) {
      const u = input.user;
      const row = await createUsersRepo(tx).insert({
        email: u.email.trim().toLowerCase(),
        name: u.name.trim(),
        role: 'agent',
        password_hash: passwordHash!,
      });
      return row.id;
    }
    const user = await createUsersRepo(tx).get(input.user_id!);
    if (!user) throw notFound('user', input.user_id);
    if (user.role !== 'agent')
      throw conflict(`user ${user.id} has role ${user.role}; only users with role agent get an extension`);
    if (user.status !== 'active') throw conflict(`user ${user.id} is disabled; enable the account first`);
    return user.id;
  }

  async function create(actor: Actor, input: NewAgent): Promise<AgentWithSecret> {
    if ((input.user === undefined) === (input.user_id === undefined))
      throw new AppError(
        'validation_failed',
        'give either user_id (an existing agent user) or user (a new one)',
      );
    if (input.user && actor.role !== 'admin')
      throw new AppError('forbidden', 'only an admin creates users; pick an existing agent user (user_id)');
    const fields: AgentFields = { ...defaultsFor(input), ...toFields(input) };
    const secret = generatePassword();
    // Hashed before the transaction: argon2 takes tens of milliseconds nobody should wait on.
    const passwordHash = input.user ? await hashPassword(input.user.password) : undefined;
    const id = await db.transaction(async (tx) => {
      const userId = await userFor(tx, input, passwordHash);
      const agentId = await createAgentsRepo(tx).insert(userId, fields, secret, clock.now());
      await writeRows(tx, await load(tx, agentId), null);
      return agentId;
    });
    changes.agent(id);
    return { agent: toAgentView(await load(db, id)), sip_secret: secret };
  }

  /**
   * A person's edit; with `expected`, refused (412) unless the agent is still at that version. The
   * row is locked first (its PJSIP rows are rewritten from it); the UPDATE checks the version too.
   */
  async function update(id: number, input: AgentInput, expected?: number): Promise<AgentView> {
    await db.transaction(async (tx) => {
      const repo = createAgentsRepo(tx);
      const before = await load(tx, id, true);
      const patch = toFields(input);
      const renamed = patch.endpoint_id !== undefined && patch.endpoint_id !== before.endpoint_id;
      if (renamed && BUSY.includes(before.status))
        throw conflict('the agent is on a call; change the endpoint id after it ends');
      if ((await repo.update(id, patch, clock.now(), expected)) === undefined)
        throw staleVersion('agent', before.version, expected ?? before.version);
      if (renamed) await repo.forgetRegistration(id);
      await writeRows(tx, await load(tx, id), before.endpoint_id);
    });
    changes.agent(id);
    return toAgentView(await load(db, id));
  }

  async function remove(id: number, expected?: number): Promise<void> {
    const userId = await db.transaction(async (tx) => {
      const a = await load(tx, id, true);
      // The row is locked: its version cannot move before the delete, which checks it again.
      if (expected !== undefined && a.version !== expected) throw staleVersion('agent', a.version, expected);
      if (BUSY.includes(a.status)) throw conflict('the agent is on a call; delete the agent after it ends');
      await createPjsipRepo(tx).remove(a.endpoint_id);
      if (!(await createAgentsRepo(tx).delete(id, expected))) throw notFound('agent', id);
      return a.user_id;
    });
    changes.agentRemoved(id, userId);
  }

  /** A new SIP secret, returned once. The phone's current registration lasts until it registers again. */
  async function resetSecret(id: number): Promise<AgentWithSecret> {
    const secret = generatePassword();
    await db.transaction(async (tx) => {
      await load(tx, id, true);
      await createAgentsRepo(tx).update(id, { sip_secret: secret }, clock.now());
      const a = await load(tx, id);
      await writeRows(tx, a, a.endpoint_id);
    });
    return { agent: toAgentView(await load(db, id)), sip_secret: secret };
  }

  /**
   * Follows a change of the agent's user account: a disabled user's phone loses its PJSIP rows
   * (it can no longer register) and the agent goes offline when not on a call; enabling writes them again.
   */
  async function followUser(userId: number): Promise<void> {
    const a = await createAgentsRepo(db).byUser(userId);
    if (!a) return;
    await db.transaction(async (tx) => writeRows(tx, await load(tx, a.id, true), a.endpoint_id));
    if (a.user_status === 'disabled') await status.applyEvent(a.id, { type: 'go_offline' });
  }

  async function mine(actor: Actor): Promise<AgentView> {
    await status.endWrapUps();
    const a = await createAgentsRepo(db).byUser(actor.id);
    if (!a) throw new AppError('not_found', 'you have no extension yet; ask an administrator to create one');
    return toAgentView(a);
  }

  return {
    list: async (filter: AgentFilter, page: PageRequest): Promise<Page<AgentView>> => {
      await status.endWrapUps();
      const p = toPage(await createAgentsRepo(db).list(filter, page), page);
      return { ...p, items: p.items.map(toAgentView) };
    },
    get: async (id: number): Promise<AgentView> => {
      await status.endWrapUps();
      return toAgentView(await load(db, id));
    },
    candidates: () => createAgentsRepo(db).candidates(),
    hasAgent: async (userId: number) => (await createAgentsRepo(db).byUser(userId)) !== undefined,
    /** The agent of a user, or undefined (call control: who makes a call). */
    byUser: async (userId: number): Promise<AgentView | undefined> => {
      const a = await createAgentsRepo(db).byUser(userId);
      return a && toAgentView(a);
    },
    /** The agent whose phone is a PJSIP endpoint, or undefined (a call dialled from a phone). */
    byEndpoint: async (endpointId: string): Promise<AgentView | undefined> => {
      const a = await createAgentsRepo(db).byEndpoint(endpointId);
      return a && toAgentView(a);
    },
    /** The agent with an extension, or undefined (a transfer to an extension). */
    byExtension: async (extension: string): Promise<AgentView | undefined> => {
      const a = await createAgentsRepo(db).byExtension(extension);
      return a && toAgentView(a);
    },
    create,
    update,
    remove,
    resetSecret,
    followUser,
    mine,
  };
}

export type AgentsService = ReturnType<typeof createAgentsService>;
