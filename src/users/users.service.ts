import type { Db } from '../db/db.js';
import { hashPassword } from '../auth/passwords.js';
import type { Clock } from '../shared/clock.js';
import { AppError, conflict, notFound } from '../shared/errors.js';
import { toMoney } from '../shared/money.js';
import { versionedWrite } from '../shared/versions.js';
import { toPage, type Actor, type Page, type PageRequest, type Role } from '../shared/types.js';
import { createUsersRepo, type UserFilter, type UserPatch, type UserRow } from './users.repo.js';

export interface NewUser {
  email: string;
  name: string;
  role: Role;
  password: string;
  billing_rate_per_minute?: string | number | null | undefined;
}

export interface UserChanges {
  email?: string | undefined;
  name?: string | undefined;
  role?: Role | undefined;
  status?: 'active' | 'disabled' | undefined;
  password?: string | undefined;
  billing_rate_per_minute?: string | number | null | undefined;
}

/** What the users service asks of agents: an agent user's extension follows the account. */
export interface AgentHooks {
  hasAgent(userId: number): Promise<boolean>;
  /** The account was enabled or disabled: write or remove the phone's PJSIP rows. */
  followUser(userId: number): Promise<void>;
}

export function createUsersService(deps: {
  db: Db;
  clock: Clock;
  revokeTokens: (userId: number) => Promise<unknown>;
  agents?: AgentHooks;
}) {
  const repo = createUsersRepo(deps.db);

  async function get(id: number): Promise<UserRow> {
    const user = await repo.get(id);
    if (!user) throw notFound('user', id);
    return user;
  }

  async function create(input: NewUser): Promise<UserRow> {
    return repo.insert({
      email: input.email.trim().toLowerCase(),
      name: input.name.trim(),
      role: input.role,
      password_hash: await hashPassword(input.password),
      billing_rate_per_minute: rateOrNull(input.billing_rate_per_minute),
    });
  }

  /** A person's edit; with `expected`, refused (412) unless the user is still at that version. */
  async function update(actor: Actor, id: number, changes: UserChanges, expected?: number): Promise<UserRow> {
    const current = await get(id);
    const losesAdmin =
      current.role === 'admin' &&
      current.status === 'active' &&
      ((changes.role !== undefined && changes.role !== 'admin') || changes.status === 'disabled');
    if (losesAdmin && (await repo.otherActiveAdmins(id)) === 0) {
      throw conflict('this is the last active admin; make another admin first');
    }
    const leavesAgents = current.role === 'agent' && changes.role !== undefined && changes.role !== 'agent';
    if (leavesAgents && (await deps.agents?.hasAgent(id))) {
      throw conflict('this user has an agent extension; delete the agent first');
    }
    const patch: UserPatch = {};
    if (changes.email !== undefined) patch.email = changes.email.trim().toLowerCase();
    if (changes.name !== undefined) patch.name = changes.name.trim();
    if (changes.role !== undefined) patch.role = changes.role;
    if (changes.status !== undefined) patch.status = changes.status;
    if (changes.password !== undefined) patch.password_hash = await hashPassword(changes.password);
    if (changes.billing_rate_per_minute !== undefined) {
      patch.billing_rate_per_minute = rateOrNull(changes.billing_rate_per_minute);
    }
    const updated = await versionedWrite(
      'user',
      id,
      expected,
      () => repo.update(id, patch, deps.clock.now(), expected),
      () => repo.version(id),
    );
    // A disabled user, or one whose password was reset, keeps no open session elsewhere.
    if (changes.status === 'disabled' || (changes.password !== undefined && actor.id !== id)) {
      await deps.revokeTokens(id);
    }
    // A disabled agent's phone must stop registering; an enabled one's may again.
    if (changes.status !== undefined && changes.status !== current.status && updated.role === 'agent') {
      await deps.agents?.followUser(id);
    }
    return updated;
  }

  async function remove(actor: Actor, id: number, expected?: number): Promise<void> {
    if (actor.id === id) throw new AppError('conflict', 'you cannot delete your own account');
    const user = await get(id);
    if (user.role === 'admin' && (await repo.otherActiveAdmins(id)) === 0) {
      throw conflict('this is the last active admin');
    }
    try {
      await versionedWrite(
        'user',
        id,
        expected,
        async () => ((await repo.delete(id, expected)) ? true : undefined),
        () => repo.version(id),
      );
    } catch (err) {
      if ((err as { code?: string }).code === '23503') {
        throw conflict(
          'this user owns campaigns, DIDs, ledger entries, an agent extension or agent history; delete the agent or disable the account instead',
        );
      }
      throw err;
    }
  }

  return {
    list: async (filter: UserFilter, page: PageRequest): Promise<Page<UserRow>> =>
      toPage(await repo.list(filter, page), page),
    get,
    create,
    update,
    remove,
    countByRole: repo.countByRole,
  };
}

function rateOrNull(v: string | number | null | undefined): string | null {
  return v === undefined || v === null ? null : toMoney(v, 6);
}

export type UsersService = ReturnType<typeof createUsersService>;
