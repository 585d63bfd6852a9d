import { Type } from 'typebox';
import {
  errorResponses,
  IdParams,
  Name,
  NoContent,
  Nullable,
  Strict,
  StringEnum,
  Timestamp,
} from '../http/schemas.js';
import type { App } from '../http/types.js';
import { expectedVersion, IfMatchHeaders, versionedResponses, Version, withEtag } from '../http/versions.js';
import type { Services } from '../services.js';

const Identifier = Type.String({ pattern: '^[A-Za-z0-9_.-]{1,40}$' });

const Server = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  pbx: Type.String({ description: 'The name its generated dialplan sends (asterisk-config --pbx)' }),
  ari_url: Type.String({ description: 'Normalised: scheme, host and port' }),
  ari_username: Type.String(),
  has_password: Type.Boolean({ description: 'The password is stored sealed and never returned' }),
  app_name: Type.String({ description: 'The Stasis application CapConduit registers' }),
  outbound_trunk: Type.String({
    description: 'How a customer number is dialled, e.g. PJSIP/{number}@carrier',
  }),
  enabled: Type.Boolean(),
  status: StringEnum(['unknown', 'ok', 'error']),
  asterisk_version: Nullable(Type.String()),
  last_error: Nullable(Type.String()),
  checked_at: Nullable(Timestamp),
  version: Version,
  created_at: Timestamp,
  updated_at: Timestamp,
});

const editable = {
  name: Name(100),
  pbx: Identifier,
  ari_url: Type.String({ minLength: 1, maxLength: 200, examples: ['http://10.0.0.5:8088'] }),
  ari_username: Type.String({ minLength: 1, maxLength: 80 }),
  ari_password: Type.String({ minLength: 1, maxLength: 200 }),
  app_name: Identifier,
  outbound_trunk: Type.String({ minLength: 1, maxLength: 200 }),
  enabled: Type.Boolean(),
};

const tags = ['asterisk servers'];
const admin = { access: ['admin'] as const };

/** Asterisk servers CapConduit controls through ARI (admin only). */
export function serversRoutes(app: App, { servers }: Services): void {
  app.get(
    '/api/asterisk-servers',
    {
      config: admin,
      schema: { tags, summary: 'Asterisk servers', response: { 200: Type.Array(Server), ...errorResponses } },
    },
    () => servers.list(),
  );
  app.post(
    '/api/asterisk-servers',
    {
      config: admin,
      schema: {
        tags,
        summary: 'Register an Asterisk server (its ARI address and credentials)',
        body: Strict({
          ...editable,
          app_name: Type.Optional(editable.app_name),
          outbound_trunk: Type.Optional(editable.outbound_trunk),
          enabled: Type.Optional(editable.enabled),
        }),
        response: { 201: Server, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await servers.create(req.body)),
  );
  app.get(
    '/api/asterisk-servers/:id',
    {
      config: admin,
      schema: {
        tags,
        summary: 'One Asterisk server (ETag: its version)',
        params: IdParams,
        response: { 200: Server, ...errorResponses },
      },
    },
    async (req, reply) => withEtag(reply, await servers.get(req.params.id)),
  );
  app.patch(
    '/api/asterisk-servers/:id',
    {
      config: admin,
      schema: {
        tags,
        summary:
          'Change an Asterisk server (a password given replaces the stored one; with If-Match: only if nobody changed it since)',
        params: IdParams,
        headers: IfMatchHeaders,
        body: Strict(
          Object.fromEntries(Object.entries(editable).map(([k, v]) => [k, Type.Optional(v)])) as {
            [K in keyof typeof editable]: ReturnType<typeof Type.Optional<(typeof editable)[K]>>;
          },
          { minProperties: 1 },
        ),
        response: { 200: Server, ...versionedResponses },
      },
    },
    async (req, reply) =>
      withEtag(reply, await servers.update(req.params.id, req.body, expectedVersion(req))),
  );
  app.delete(
    '/api/asterisk-servers/:id',
    {
      config: admin,
      schema: {
        tags,
        summary:
          'Remove an Asterisk server (refused while calls are in progress on it; with If-Match: only if nobody changed it since)',
        params: IdParams,
        headers: IfMatchHeaders,
        response: { 204: NoContent, ...versionedResponses },
      },
    },
    async (req, reply) => {
      await servers.remove(req.params.id, expectedVersion(req));
      return reply.status(204).send(null);
    },
  );
  app.post(
    '/api/asterisk-servers/:id/test',
    {
      config: admin,
      schema: {
        tags,
        summary: 'Test the connection: calls ARI (GET /asterisk/info) and stores the version or the error',
        params: IdParams,
        response: { 200: Server, ...errorResponses },
      },
    },
    (req) => servers.test(req.params.id),
  );
}
