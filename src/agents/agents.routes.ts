import { Type } from 'typebox';
import { actorOf } from '../http/auth.plugin.js';
import { errorResponses, Id, IdParams, NoContent, PageOf, PageQuery, Strict } from '../http/schemas.js';
import type { App } from '../http/types.js';
import { expectedVersion, IfMatchHeaders, versionedResponses, withEtag } from '../http/versions.js';
import type { Services } from '../services.js';
import {
  AgentSchema,
  AgentStatusSchema,
  AgentWithSecretSchema,
  editable,
  NewUserSchema,
  optional,
  RegistrationSchema,
  StatusChangeSchema,
} from './agents.schemas.js';

const tags = ['agents'];
const managers = { access: ['admin', 'staff'] as const };

/** Agents as admins and staff manage them; an agent's own routes are in agent-self.routes.ts. */
export function agentsRoutes(app: App, { agents, agentStatus }: Services): void {
  app.get(
    '/api/agents',
    {
      config: managers,
      schema: {
        tags,
        summary: 'Agents with their extension, status and phone registration',
        querystring: Type.Object({
          ...PageQuery,
          status: Type.Optional(AgentStatusSchema),
          registration: Type.Optional(RegistrationSchema),
          q: Type.Optional(Type.String({ maxLength: 100 })),
        }),
        response: { 200: PageOf(AgentSchema), ...errorResponses },
      },
    },
    async (req) => {
      const { limit, offset, ...filter } = req.query;
      return agents.list(filter, { limit, offset });
    },
  );

  app.get(
    '/api/agents/candidates',
    {
      config: managers,
      schema: {
        tags,
        summary: 'Active users with role agent who have no extension yet',
        response: {
          200: Type.Object({
            items: Type.Array(Type.Object({ id: Type.Integer(), name: Type.String(), email: Type.String() })),
          }),
        },
      },
    },
    async () => ({ items: await agents.candidates() }),
  );

  app.post(
    '/api/agents',
    {
      config: managers,
      schema: {
        tags,
        summary:
          'Give a user with role agent an extension (or create the user too: admins only); the SIP secret is in this answer only',
        body: Strict({
          ...optional,
          extension: editable.extension,
          user_id: Type.Optional(Id),
          user: Type.Optional(NewUserSchema),
        }),
        response: { 201: AgentWithSecretSchema, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await agents.create(actorOf(req), req.body)),
  );

  app.get(
    '/api/agents/:id',
    {
      config: managers,
      schema: {
        tags,
        summary: 'One agent (ETag: the version of its settings)',
        params: IdParams,
        response: { 200: AgentSchema, ...errorResponses },
      },
    },
    async (req, reply) => withEtag(reply, await agents.get(req.params.id)),
  );

  app.patch(
    '/api/agents/:id',
    {
      config: managers,
      schema: {
        tags,
        summary:
          "Change an agent's phone settings (its PJSIP rows are rewritten with them; a new extension keeps the endpoint id unless one is given; with If-Match: only if nobody changed them since)",
        params: IdParams,
        headers: IfMatchHeaders,
        body: Strict(optional, { minProperties: 1 }),
        response: { 200: AgentSchema, ...versionedResponses },
      },
    },
    async (req, reply) => withEtag(reply, await agents.update(req.params.id, req.body, expectedVersion(req))),
  );

  app.delete(
    '/api/agents/:id',
    {
      config: managers,
      schema: {
        tags,
        summary:
          'Delete an agent and its PJSIP rows (not while on a call); the user stays (with If-Match: only if nobody changed it since)',
        params: IdParams,
        headers: IfMatchHeaders,
        response: { 204: NoContent, ...versionedResponses },
      },
    },
    async (req, reply) => {
      await agents.remove(req.params.id, expectedVersion(req));
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/agents/:id/secret',
    {
      config: managers,
      schema: {
        tags,
        summary: 'A new SIP secret for the phone, in this answer only',
        params: IdParams,
        response: { 200: AgentWithSecretSchema, ...errorResponses },
      },
    },
    async (req) => agents.resetSecret(req.params.id),
  );

  app.put(
    '/api/agents/:id/status',
    {
      config: managers,
      schema: {
        tags,
        summary:
          "Set an agent's status for them (e.g. offline for one who left): available, paused or offline",
        params: IdParams,
        body: StatusChangeSchema,
        response: { 200: AgentSchema, ...errorResponses },
      },
    },
    async (req) => {
      await agentStatus.change(req.params.id, req.body);
      return agents.get(req.params.id);
    },
  );
}
