import type { FastifyBaseLogger } from 'fastify';
import type { AuthService } from '../auth/auth.service.js';
import { hashToken } from '../auth/tokens.js';
import type { Actor, Role } from '../shared/types.js';

/** How often the sessions of open streams are checked again. */
export const STREAM_SESSION_CHECK_MS = 1000;

interface Watched {
  hash: string;
  userId: number;
  role: Role;
  end: () => void;
}

/**
 * A stream outlives the request that opened it, so the check at its start is not enough: it ends
 * when its session or API token is revoked (logout, revoked token, password reset), expires, or
 * its user is disabled or changes role. One query a second checks every open stream of this
 * process at once; a database that does not answer ends nothing (the check runs again).
 */
export function createStreamSessions(deps: {
  auth: Pick<AuthService, 'validTokens'>;
  log?: FastifyBaseLogger | undefined;
  everyMs?: number;
}) {
  const watched = new Set<Watched>();
  let timer: NodeJS.Timeout | undefined;
  let checking = false;

  async function check(): Promise<void> {
    if (checking || watched.size === 0) return;
    checking = true;
    try {
      const all = [...watched];
      const valid = new Map(
        (await deps.auth.validTokens([...new Set(all.map((w) => w.hash))])).map((v) => [v.token_hash, v]),
      );
      for (const w of all) {
        const v = valid.get(w.hash);
        if (!v || v.user_id !== w.userId || v.role !== w.role) w.end();
      }
    } catch (err) {
      deps.log?.warn({ err }, 'could not check the sessions of open streams; trying again');
    } finally {
      checking = false;
    }
  }

  return {
    /** Watches the stream `token` opened for `actor`; `end` closes it. Returns the unwatch. */
    watch(token: string, actor: Actor, end: () => void): () => void {
      const w: Watched = { hash: hashToken(token), userId: actor.id, role: actor.role, end };
      watched.add(w);
      timer ??= setInterval(() => void check(), deps.everyMs ?? STREAM_SESSION_CHECK_MS);
      timer.unref();
      return () => {
        watched.delete(w);
        if (watched.size === 0 && timer) {
          clearInterval(timer);
          timer = undefined;
        }
      };
    },
    /** Checks every open stream now (tests; and after a logout in this process). */
    check,
  };
}
