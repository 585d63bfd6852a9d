import { Type } from 'typebox';
import { actorOf, requestToken, SESSION_COOKIE } from '../http/auth.plugin.js';
import { errorResponses, IdParams, Name, NoContent, Nullable, Strict, Timestamp } from '../http/schemas.js';
import type { App } from '../http/types.js';
import type { Services } from '../services.js';
import { ActorSchema, Email, UserSchema } from '../users/users.schemas.js';

const ApiToken = Type.Object({
  id: Type.Integer(),
  name: Nullable(Type.String()),
  prefix: Type.String(),
  created_at: Timestamp,
  expires_at: Nullable(Timestamp),
  last_used_at: Nullable(Timestamp),
  revoked_at: Nullable(Timestamp),
});

/** The signed-in user, and how the server reads a phone number written without a country code. */
const MeSchema = Type.Object({
  ...UserSchema.properties,
  phone_region: Type.String({
    description:
      'The country national numbers are read in (DEFAULT_PHONE_REGION), e.g. for click-to-call: clients can check a number as the server will',
    examples: ['US'],
  }),
});

export function authRoutes(app: App, services: Services, opts: { cookieSecure: boolean }): void {
  const { auth, users } = services;

  app.post(
    '/api/auth/login',
    {
      config: { access: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'Sign in; returns a bearer token and sets an httpOnly session cookie',
        security: [],
        body: Strict({ email: Email, password: Type.String({ minLength: 1, maxLength: 200 }) }),
        response: {
          200: Type.Object({ token: Type.String(), expires_at: Timestamp, user: ActorSchema }),
          ...errorResponses,
          429: errorResponses[400],
        },
      },
    },
    async (req, reply) => {
      const result = await auth.login(req.body.email, req.body.password, req.ip);
      void reply.setCookie(SESSION_COOKIE, result.token, {
        httpOnly: true,
        sameSite: 'lax',
        secure: opts.cookieSecure,
        path: '/',
        expires: result.expiresAt,
      });
      return { token: result.token, expires_at: result.expiresAt, user: result.user };
    },
  );

  app.post(
    '/api/auth/logout',
    {
      config: { access: 'authenticated' },
      schema: { tags: ['auth'], summary: 'Sign out (revokes this token)', response: { 204: NoContent } },
    },
    async (req, reply) => {
      const token = requestToken(req);
      if (token !== undefined) await auth.logout(token);
      void reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/me',
    {
      config: { access: 'authenticated' },
      schema: { tags: ['auth'], summary: 'The signed-in user', response: { 200: MeSchema } },
    },
    async (req) => ({ ...(await users.get(actorOf(req).id)), phone_region: services.phoneRegion }),
  );

  app.get(
    '/api/me/tokens',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['auth'],
        summary: 'My API tokens',
        response: { 200: Type.Object({ items: Type.Array(ApiToken) }) },
      },
    },
    async (req) => ({ items: await auth.listApiTokens(actorOf(req)) }),
  );

  app.post(
    '/api/me/tokens',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['auth'],
        summary: 'Create a long-lived API token (shown once)',
        body: Strict({
          name: Name(100),
          expires_in_days: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })),
        }),
        response: { 201: Type.Object({ ...ApiToken.properties, token: Type.String() }), ...errorResponses },
      },
    },
    async (req, reply) => {
      const created = await auth.createApiToken(actorOf(req), {
        name: req.body.name,
        expiresInDays: req.body.expires_in_days,
      });
      return reply.status(201).send(created);
    },
  );

  app.delete(
    '/api/me/tokens/:id',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['auth'],
        summary: 'Revoke one of my API tokens',
        params: IdParams,
        response: { 204: NoContent, ...errorResponses },
      },
    },
    async (req, reply) => {
      await auth.revokeApiToken(actorOf(req), req.params.id);
      return reply.status(204).send(null);
    },
  );
}
