import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthService } from '../auth/auth.service.js';
import { safeEqual } from '../auth/tokens.js';
import { AppError } from '../shared/errors.js';
import type { Actor } from '../shared/types.js';
import type { App, RouteAccess } from './types.js';

export const SESSION_COOKIE = 'capconduit_session';

/** The bearer token or session cookie of a request, if any. */
export function requestToken(req: FastifyRequest): string | undefined {
  const header = req.headers.authorization;
  if (header !== undefined) {
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    if (!m) throw new AppError('unauthenticated', 'Authorization header must be "Bearer <token>"');
    return m[1];
  }
  return req.cookies[SESSION_COOKIE] || undefined;
}

/** The caller-ID API token a dialer sent: X-API-Token, a bearer token or `?token=` (seed 003). */
function dialerToken(req: FastifyRequest): string | undefined {
  const q = (req.query as Record<string, unknown> | undefined)?.token;
  const header = req.headers['x-api-token'];
  const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
  const given = (typeof header === 'string' ? header : undefined) ?? bearer ?? q;
  return typeof given === 'string' ? given : undefined;
}

/**
 * Resolves the actor of every request and enforces each route's declared access. A route
 * under /api that declares no access fails at start-up, so no route is open by accident.
 */
export function registerAuth(
  app: App,
  auth: AuthService,
  tokens: { internal: string | undefined; dialer: string | undefined },
): void {
  const internalToken = tokens.internal;
  app.decorateRequest('actor', null);

  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/api/') && route.config?.access === undefined) {
      throw new Error(`route ${route.method} ${route.url} declares no access`);
    }
  });

  // onRequest: callers are checked before their body is even parsed.
  app.addHook('onRequest', async (req: FastifyRequest, _reply: FastifyReply) => {
    const access: RouteAccess | undefined = req.routeOptions.config.access;
    if (access === undefined || access === 'public') return;
    if (access === 'dialer' || access === 'dialer-admin') {
      if (tokens.dialer !== undefined && safeEqual(dialerToken(req) ?? '', tokens.dialer)) return;
      if (access === 'dialer') {
        if (tokens.dialer === undefined) return;
        throw new AppError(
          'unauthenticated',
          'a valid caller-ID API token is required (X-API-Token, Bearer or ?token=)',
        );
      }
      // Managing numbers is also open to admins and staff as themselves (their own API token or
      // session), so /add-number works without a shared CID_API_TOKEN.
      const token = requestToken(req);
      const actor = token === undefined ? undefined : await auth.authenticate(token);
      if (!actor) {
        throw new AppError(
          'unauthenticated',
          tokens.dialer === undefined
            ? 'send an admin or staff API token (Authorization: Bearer), or set CID_API_TOKEN for dialers'
            : 'send the caller-ID API token (X-API-Token, Bearer or ?token=) or an admin or staff API token',
        );
      }
      if (actor.role !== 'admin' && actor.role !== 'staff') {
        throw new AppError('forbidden', 'managing caller IDs needs one of the roles: admin, staff');
      }
      req.actor = actor;
      return;
    }
    if (access === 'internal') {
      if (internalToken === undefined) {
        throw new AppError('unavailable', 'the internal API is off: set INTERNAL_API_TOKEN to enable it');
      }
      const given = req.headers['x-internal-api-token'];
      if (typeof given !== 'string' || !safeEqual(given, internalToken)) {
        throw new AppError('unauthenticated', 'X-Internal-API-Token is missing or wrong');
      }
      return;
    }
    const token = requestToken(req);
    const actor = token === undefined ? undefined : await auth.authenticate(token);
    if (!actor) throw new AppError('unauthenticated', 'sign in or send a valid bearer token');
    if (access !== 'authenticated' && !access.includes(actor.role)) {
      throw new AppError('forbidden', `this action needs one of the roles: ${access.join(', ')}`);
    }
    req.actor = actor;
  });
}

/** The actor of an authenticated route (its access check already ran). */
export function actorOf(req: FastifyRequest): Actor {
  if (!req.actor) throw new AppError('unauthenticated', 'sign in or send a valid bearer token');
  return req.actor;
}
