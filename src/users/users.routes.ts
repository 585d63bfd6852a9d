import { Type } from 'typebox';
import { actorOf } from '../http/auth.plugin.js';
import {
  errorResponses,
  IdParams,
  MoneyIn,
  Name,
  NoContent,
  Nullable,
  PageOf,
  PageQuery,
  Strict,
} from '../http/schemas.js';
import type { App } from '../http/types.js';
import { expectedVersion, IfMatchHeaders, versionedResponses, withEtag } from '../http/versions.js';
import type { Services } from '../services.js';
import { Email, Password, RoleSchema, UserSchema } from './users.schemas.js';
import { MONEY_LIMITS } from '../shared/money-limits.js';

const Status = Type.Union([Type.Literal('active'), Type.Literal('disabled')]);
const admin = { access: ['admin'] as const };
const tags = ['users'];

export function usersRoutes(app: App, { users }: Services): void {
  app.get(
    '/api/users',
    {
      config: admin,
      schema: {
        tags,
        summary: 'List users',
        querystring: Type.Object({
          ...PageQuery,
          role: Type.Optional(RoleSchema),
          status: Type.Optional(Status),
          q: Type.Optional(Type.String({ maxLength: 100 })),
        }),
        response: { 200: PageOf(UserSchema), ...errorResponses },
      },
    },
    async (req) => {
      const { limit, offset, ...filter } = req.query;
      return users.list(filter, { limit, offset });
    },
  );

  app.post(
    '/api/users',
    {
      config: admin,
      schema: {
        tags,
        summary: 'Create a user',
        body: Strict({
          email: Email,
          name: Name(200),
          role: RoleSchema,
          password: Password,
          billing_rate_per_minute: Type.Optional(
            Nullable(MoneyIn({ max: MONEY_LIMITS.ratePerMinute, places: 6 })),
          ),
        }),
        response: { 201: UserSchema, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await users.create(req.body)),
  );

  app.get(
    '/api/users/:id',
    {
      config: admin,
      schema: {
        tags,
        summary: 'Get a user (ETag: their version)',
        params: IdParams,
        response: { 200: UserSchema, ...errorResponses },
      },
    },
    async (req, reply) => withEtag(reply, await users.get(req.params.id)),
  );

  app.patch(
    '/api/users/:id',
    {
      config: admin,
      schema: {
        tags,
        summary:
          'Change a user (disabling or resetting a password signs them out everywhere; with If-Match: only if nobody changed them since)',
        params: IdParams,
        headers: IfMatchHeaders,
        body: Strict(
          {
            email: Type.Optional(Email),
            name: Type.Optional(Name(200)),
            role: Type.Optional(RoleSchema),
            status: Type.Optional(Status),
            password: Type.Optional(Password),
            billing_rate_per_minute: Type.Optional(
              Nullable(MoneyIn({ max: MONEY_LIMITS.ratePerMinute, places: 6 })),
            ),
          },
          { minProperties: 1 },
        ),
        response: { 200: UserSchema, ...versionedResponses },
      },
    },
    async (req, reply) =>
      withEtag(reply, await users.update(actorOf(req), req.params.id, req.body, expectedVersion(req))),
  );

  app.delete(
    '/api/users/:id',
    {
      config: admin,
      schema: {
        tags,
        summary: 'Delete a user with no history (with If-Match: only if nobody changed them since)',
        params: IdParams,
        headers: IfMatchHeaders,
        response: { 204: NoContent, ...versionedResponses },
      },
    },
    async (req, reply) => {
      await users.remove(actorOf(req), req.params.id, expectedVersion(req));
      return reply.status(204).send(null);
    },
  );
}
