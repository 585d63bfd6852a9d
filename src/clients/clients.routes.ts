import { Type } from 'typebox';
import {
  BusinessHours,
  errorResponses,
  IdParams,
  Name,
  NoContent,
  Nullable,
  PageOf,
  PageQuery,
  Strict,
  StringEnum,
  Timestamp,
  Timezone,
} from '../http/schemas.js';
import type { App } from '../http/types.js';
import { expectedVersion, IfMatchHeaders, versionedResponses, Version, withEtag } from '../http/versions.js';
import type { Services } from '../services.js';
import { DEFAULT_QUALIFY_FREQUENCY, MAX_QUALIFY_FREQUENCY, SUPPORTED_CODECS } from './pjsip.js';

const Status = Type.Union([Type.Literal('active'), Type.Literal('disabled')]);
const SipMode = Type.Union([Type.Literal('static'), Type.Literal('registering')]);
const Transport = Type.Union([Type.Literal('udp'), Type.Literal('tcp'), Type.Literal('tls')]);
const Codec = StringEnum(SUPPORTED_CODECS);
const Host = Type.String({ minLength: 1, maxLength: 80, pattern: '^[A-Za-z0-9.:\\-\\[\\]]+$' });

const Client = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  client_identifier: Type.String(),
  status: Status,
  sip_mode: SipMode,
  sip_host: Nullable(Type.String()),
  sip_port: Nullable(Type.Integer()),
  sip_transport: Transport,
  codecs: Type.Array(Type.String()),
  auth_username: Nullable(Type.String()),
  has_password: Type.Boolean(),
  max_concurrency: Nullable(Type.Integer()),
  qualify_frequency: Type.Integer(),
  timezone: Type.String(),
  business_hours: Nullable(BusinessHours),
  notes: Nullable(Type.String()),
  version: Version,
  auto_pause_unanswered: Nullable(Type.Integer()),
  auto_pause_minutes: Type.Integer(),
  paused_until: Nullable({
    ...Timestamp,
    description: 'Paused after unanswered calls until then; null: not paused',
  }),
  created_at: Timestamp,
  updated_at: Timestamp,
});

const editable = {
  name: Name(200),
  client_identifier: Type.String({
    pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$',
    description: 'Its PJSIP endpoint id',
  }),
  status: Status,
  sip_mode: SipMode,
  sip_host: Nullable(Host),
  sip_port: Nullable(Type.Integer({ minimum: 1, maximum: 65535 })),
  sip_transport: Transport,
  codecs: Type.Array(Codec, { minItems: 1, maxItems: 10 }),
  auth_username: Nullable(Type.String({ minLength: 1, maxLength: 40, pattern: '^[^\\s;^]+$' })),
  auth_password: Nullable(Type.String({ minLength: 8, maxLength: 80 })),
  max_concurrency: Nullable(Type.Integer({ minimum: 1, maximum: 100_000 })),
  qualify_frequency: Type.Integer({
    minimum: 0,
    maximum: MAX_QUALIFY_FREQUENCY,
    description: `Seconds between the OPTIONS Asterisk sends to check the client is reachable; 0 = never (default ${DEFAULT_QUALIFY_FREQUENCY}). An unreachable client is skipped until it answers again.`,
  }),
  timezone: Timezone,
  business_hours: Nullable(BusinessHours),
  notes: Nullable(Type.String({ maxLength: 2000 })),
  auto_pause_unanswered: Nullable(
    Type.Integer({
      minimum: 1,
      maximum: 10_000,
      description:
        'Pause this buyer by itself after this many unanswered calls within an hour (null: never); it takes calls again after auto_pause_minutes',
    }),
  ),
  auto_pause_minutes: Type.Integer({
    minimum: 1,
    maximum: 1440,
    description: 'How long such a pause lasts (default 60)',
  }),
};
const optional = Type.Partial(Type.Object(editable)).properties;

const tags = ['clients'];
const managers = { access: ['admin', 'staff'] as const };

export function clientsRoutes(app: App, { clients }: Services): void {
  app.get(
    '/api/clients',
    {
      config: managers,
      schema: {
        tags,
        summary: 'Buyer call centers',
        querystring: Type.Object({
          ...PageQuery,
          status: Type.Optional(Status),
          q: Type.Optional(Type.String({ maxLength: 100 })),
        }),
        response: { 200: PageOf(Client) },
      },
    },
    async (req) => {
      const { limit, offset, ...filter } = req.query;
      return clients.list(filter, { limit, offset });
    },
  );

  app.get(
    '/api/clients/directory',
    {
      config: { access: ['admin', 'staff', 'seller'] },
      schema: {
        tags,
        summary: 'Active clients a campaign can link to (names only)',
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({ id: Type.Integer(), name: Type.String(), status: Type.String() }),
            ),
          }),
        },
      },
    },
    async () => ({ items: await clients.directory() }),
  );

  app.post(
    '/api/clients',
    {
      config: managers,
      schema: {
        tags,
        summary: 'Create a client and its PJSIP endpoint, AOR and auth rows',
        body: Strict({ ...optional, name: editable.name, client_identifier: editable.client_identifier }),
        response: { 201: Client, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await clients.create(req.body)),
  );

  app.get(
    '/api/clients/:id',
    {
      config: managers,
      schema: {
        tags,
        summary: 'One client (ETag: its version)',
        params: IdParams,
        response: { 200: Client, ...errorResponses },
      },
    },
    async (req, reply) => withEtag(reply, await clients.get(req.params.id)),
  );

  app.patch(
    '/api/clients/:id',
    {
      config: managers,
      schema: {
        tags,
        summary:
          'Change a client; disabling removes its PJSIP rows, enabling writes them again (with If-Match: only if nobody changed it since)',
        params: IdParams,
        headers: IfMatchHeaders,
        body: Strict(optional, { minProperties: 1 }),
        response: { 200: Client, ...versionedResponses },
      },
    },
    async (req, reply) =>
      withEtag(reply, await clients.update(req.params.id, req.body, expectedVersion(req))),
  );

  app.delete(
    '/api/clients/:id',
    {
      config: managers,
      schema: {
        tags,
        summary: 'Delete a client with no campaign links (with If-Match: only if nobody changed it since)',
        params: IdParams,
        headers: IfMatchHeaders,
        response: { 204: NoContent, ...versionedResponses },
      },
    },
    async (req, reply) => {
      await clients.remove(req.params.id, expectedVersion(req));
      return reply.status(204).send(null);
    },
  );
}
