import type { Db } from '../db/db.js';
import { AppError, notFound } from '../shared/errors.js';
import type { Clock } from '../shared/clock.js';
import type { Actor } from '../shared/types.js';
import { createAuthRepo, type ApiTokenRow } from './auth.repo.js';
import { dummyPasswordHash, verifyPassword } from './passwords.js';
import { hashToken, newToken } from './tokens.js';

export interface AuthPolicy {
  sessionTtlHours: number;
  loginMaxFailures: number;
  loginLockoutSeconds: number;
}

export interface LoginResult {
  token: string;
  expiresAt: Date;
  user: Actor;
}

/** Tokens are touched at most this often, so authenticated reads do not each write. */
const TOUCH_INTERVAL_MS = 60_000;

export function createAuthService(deps: { db: Db; clock: Clock; policy: AuthPolicy }) {
  const repo = createAuthRepo(deps.db);
  const { clock, policy } = deps;

  async function login(emailInput: string, password: string): Promise<LoginResult> {
    const email = emailInput.trim().toLowerCase();
    const now = clock.now();
    const lock = await repo.lockedUntil(email);
    if (lock?.locked_until && lock.locked_until > now) {
      throw lockedError(lock.locked_until, now);
    }
    const user = await repo.findCredentials(email);
    const ok = await verifyPassword(user?.password_hash ?? (await dummyPasswordHash()), password);
    if (!user || !ok || user.status !== 'active') {
      const lockedUntil = await repo.recordFailure(
        email,
        now,
        policy.loginMaxFailures,
        policy.loginLockoutSeconds,
      );
      if (lockedUntil && lockedUntil > now) throw lockedError(lockedUntil, now);
      throw new AppError('invalid_credentials', 'wrong e-mail or password');
    }
    await repo.clearFailures(email);
    const expiresAt = new Date(now.getTime() + policy.sessionTtlHours * 3_600_000);
    const t = newToken('session');
    await repo.insertToken({
      userId: user.id,
      kind: 'session',
      name: null,
      hash: t.hash,
      prefix: t.prefix,
      expiresAt,
    });
    return {
      token: t.token,
      expiresAt,
      user: { id: user.id, email: user.email, name: user.name, role: user.role },
    };
  }

  async function authenticate(token: string): Promise<Actor | undefined> {
    const now = clock.now();
    const owner = await repo.findTokenOwner(hashToken(token), now);
    if (!owner) return undefined;
    if (!owner.last_used_at || now.getTime() - owner.last_used_at.getTime() > TOUCH_INTERVAL_MS) {
      await repo.touchToken(owner.token_id, now);
    }
    return { id: owner.user_id, email: owner.email, name: owner.name, role: owner.role };
  }

  async function logout(token: string): Promise<void> {
    await repo.revokeByHash(hashToken(token), clock.now());
  }

  async function createApiToken(
    actor: Actor,
    input: { name: string; expiresInDays?: number | undefined },
  ): Promise<ApiTokenRow & { token: string }> {
    const now = clock.now();
    const expiresAt =
      input.expiresInDays === undefined ? null : new Date(now.getTime() + input.expiresInDays * 86_400_000);
    const t = newToken('api');
    const row = await repo.insertToken({
      userId: actor.id,
      kind: 'api',
      name: input.name,
      hash: t.hash,
      prefix: t.prefix,
      expiresAt,
    });
    return { ...row, token: t.token };
  }

  async function revokeApiToken(actor: Actor, id: number): Promise<void> {
    if (!(await repo.revokeApiToken(actor.id, id, clock.now()))) throw notFound('API token', id);
  }

  return {
    login,
    authenticate,
    logout,
    createApiToken,
    listApiTokens: (actor: Actor) => repo.listApiTokens(actor.id),
    revokeApiToken,
    revokeAllForUser: (userId: number) => repo.revokeAllForUser(userId, clock.now()),
    /** Of these token hashes, the ones still valid now (for streams that end with their session). */
    validTokens: (hashes: readonly string[]) => repo.validTokens(hashes, clock.now()),
  };
}

function lockedError(until: Date, now: Date): AppError {
  const retryAfter = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
  return new AppError('too_many_requests', 'too many failed logins; try again later', {
    retryAfter,
    details: { lockedUntil: until.toISOString() },
  });
}

export type AuthService = ReturnType<typeof createAuthService>;
