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
  /** Failed logins from one address, and for one account from anywhere, before delays start. */
  loginAddressMaxFailures?: number | undefined;
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

  /**
   * The throttle keys of a login and their rules (migrations/0013_login_throttle.sql): the client
   * address, the account from that address, and the account from anywhere. The last is capped at
   * a short delay, so a guess spread over many addresses slows the rightful owner down by seconds
   * at most instead of locking them out; the owner from another address is not held back by the
   * other two at all.
   */
  function throttleKeys(email: string, address: string) {
    const free = policy.loginMaxFailures;
    const wide = policy.loginAddressMaxFailures ?? 20;
    const windowSeconds = policy.loginLockoutSeconds;
    return [
      { key: `pair:${address} ${email}`, free, maxBlockSeconds: windowSeconds, windowSeconds },
      { key: `addr:${address}`, free: wide, maxBlockSeconds: windowSeconds, windowSeconds },
      { key: `acct:${email}`, free: wide, maxBlockSeconds: ACCOUNT_MAX_DELAY_SECONDS, windowSeconds },
    ];
  }

  async function login(emailInput: string, password: string, address = 'unknown'): Promise<LoginResult> {
    const email = emailInput.trim().toLowerCase();
    const now = clock.now();
    const keys = throttleKeys(email, address);
    // Refused before any password is hashed: a throttled guess costs one indexed read.
    const blocked = await repo.blockedUntil(
      keys.map((k) => k.key),
      now,
    );
    if (blocked) throw throttledError(blocked, now);
    const user = await repo.findCredentials(email);
    const ok = await verifyPassword(user?.password_hash ?? (await dummyPasswordHash()), password);
    if (!user || !ok || user.status !== 'active') {
      // Counted on every key; the next attempt is the one a block refuses.
      for (const k of keys) await repo.recordFailure(k.key, now, k);
      throw new AppError('invalid_credentials', 'wrong e-mail or password');
    }
    // The address's own count is not cleared: one good login between guesses resets nothing there.
    await repo.clearThrottle([keys[0]!.key, keys[2]!.key]);
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
    /** Forgets login throttling that has run out (a worker job). */
    pruneThrottle: () =>
      repo.pruneThrottle(new Date(clock.now().getTime() - policy.loginLockoutSeconds * 1000)),
  };
}

/** The longest a login for one account waits because of failures from other addresses. */
const ACCOUNT_MAX_DELAY_SECONDS = 30;

function throttledError(until: Date, now: Date): AppError {
  const retryAfter = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
  return new AppError('too_many_requests', `too many failed logins; try again in ${retryAfter} s`, {
    retryAfter,
    details: { retryAt: until.toISOString() },
  });
}

export type AuthService = ReturnType<typeof createAuthService>;
