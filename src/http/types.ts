import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Actor, Role } from '../shared/types.js';

/**
 * Who may call a route: `public`, any signed-in user, the listed roles, `internal` — the PBX,
 * with the shared X-Internal-API-Token — or the dialer's caller-ID API with CID_API_TOKEN
 * (`dialer`: required only when the token is configured; `dialer-admin`: that token, or an
 * admin's or staff's own API token or session).
 */
export type RouteAccess =
  'public' | 'authenticated' | 'internal' | 'dialer' | 'dialer-admin' | readonly Role[];

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
  interface FastifyRequest {
    actor: Actor | null;
  }
}

export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;
