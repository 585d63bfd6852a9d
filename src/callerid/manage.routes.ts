import { Type } from 'typebox';
import {
  errorResponses,
  Id,
  IdParams,
  Name,
  NoContent,
  Nullable,
  Strict,
  StringEnum,
  Timestamp,
} from '../http/schemas.js';
import { actorOf } from '../http/auth.plugin.js';
import type { App } from '../http/types.js';
import { expectedVersion, IfMatchHeaders, versionedResponses, Version, withEtag } from '../http/versions.js';
import type { Services } from '../services.js';
import { CAMPAIGN_CODE_PATTERN } from './campaign-code.js';
import { MAX_CONCURRENT } from './add-number.js';

const Pool = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  campaign: Nullable(Type.String()),
  seller_id: Nullable(Type.Integer()),
  numbers: Type.Integer(),
  active: Type.Integer(),
  version: Version,
  created_at: Timestamp,
  updated_at: Timestamp,
});
const Campaign = Nullable(
  Type.String({ pattern: CAMPAIGN_CODE_PATTERN, description: 'dialer campaign code; null = global' }),
);
const Limit = Nullable(Type.Integer({ minimum: 1, maximum: 100_000 }));
/** migrations/0021: the live calls one caller ID may serve at once. */
export const MaxConcurrent = Type.Integer({
  minimum: 1,
  maximum: MAX_CONCURRENT,
  description: `live calls the number may serve at once (reservations held together), 1 to ${MAX_CONCURRENT}; default 1`,
});
const tags = ['caller ID'];
const owners = { access: ['admin', 'staff', 'seller'] as const };

export function callerIdManageRoutes(app: App, { callerIdAdmin }: Services): void {
  app.get(
    '/api/callerid/pools',
    {
      config: owners,
      schema: {
        tags,
        summary: 'Caller-ID pools with their number counts',
        response: { 200: Type.Object({ items: Type.Array(Pool) }) },
      },
    },
    async (req) => ({ items: await callerIdAdmin.pools(actorOf(req)) }),
  );
  app.post(
    '/api/callerid/pools',
    {
      config: owners,
      schema: {
        tags,
        summary: 'Create a pool (global, or for one dialer campaign)',
        body: Strict({
          name: Name(100),
          campaign: Type.Optional(Campaign),
        }),
        response: { 201: Pool, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await callerIdAdmin.createPool(actorOf(req), req.body)),
  );
  app.get(
    '/api/callerid/pools/:id',
    {
      config: owners,
      schema: {
        tags,
        summary: 'One caller-ID pool (ETag: its version)',
        params: IdParams,
        response: { 200: Pool, ...errorResponses },
      },
    },
    async (req, reply) => withEtag(reply, await callerIdAdmin.pool(actorOf(req), req.params.id)),
  );
  app.patch(
    '/api/callerid/pools/:id',
    {
      config: owners,
      schema: {
        tags,
        summary: 'Rename a pool or change its campaign (with If-Match: only if nobody changed it since)',
        params: IdParams,
        headers: IfMatchHeaders,
        body: Strict(
          {
            name: Type.Optional(Name(100)),
            campaign: Type.Optional(Campaign),
          },
          { minProperties: 1 },
        ),
        response: { 200: Pool, ...versionedResponses },
      },
    },
    async (req, reply) =>
      withEtag(
        reply,
        await callerIdAdmin.updatePool(actorOf(req), req.params.id, req.body, expectedVersion(req)),
      ),
  );
  app.delete(
    '/api/callerid/pools/:id',
    {
      config: owners,
      schema: {
        tags,
        summary: 'Delete an empty pool (with If-Match: only if nobody changed it since)',
        params: IdParams,
        headers: IfMatchHeaders,
        response: { 204: NoContent, ...versionedResponses },
      },
    },
    async (req, reply) => {
      await callerIdAdmin.deletePool(actorOf(req), req.params.id, expectedVersion(req));
      return reply.status(204).send(null);
    },
  );
  app.post(
    '/api/callerid/numbers',
    {
      config: owners,
      schema: {
        tags,
        summary: 'Add a caller ID to a pool (a seller: to one of their own pools)',
        body: Strict({
          caller_id: Type.String({ minLength: 3, maxLength: 32 }),
          pool_id: Id,
          carrier: Type.Optional(Type.String({ maxLength: 100 })),
          hourly_limit: Type.Optional(Limit),
          daily_limit: Type.Optional(Limit),
          max_concurrent: Type.Optional(MaxConcurrent),
          meta: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
        }),
        response: { 201: Type.Object({ id: Type.Integer(), caller_id: Type.String() }), ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await callerIdAdmin.addNumber(actorOf(req), req.body)),
  );

  app.patch(
    '/api/callerid/numbers/:id',
    {
      config: owners,
      schema: {
        tags,
        summary:
          "Change a caller ID: status (active, cooldown, disabled), limits, concurrent calls, carrier, meta, pool (with If-Match, its `version` in GET /api/callerid/numbers: only if nobody changed it since; the answer's ETag is the new version)",
        params: IdParams,
        headers: IfMatchHeaders,
        body: Strict(
          {
            status: Type.Optional(StringEnum(['active', 'cooldown', 'disabled'])),
            carrier: Type.Optional(Nullable(Type.String({ maxLength: 100 }))),
            hourly_limit: Type.Optional(Limit),
            daily_limit: Type.Optional(Limit),
            max_concurrent: Type.Optional(MaxConcurrent),
            meta: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
            pool_id: Type.Optional(Id),
          },
          { minProperties: 1 },
        ),
        response: { 204: NoContent, ...versionedResponses },
      },
    },
    async (req, reply) => {
      const version = await callerIdAdmin.updateNumber(
        actorOf(req),
        req.params.id,
        req.body,
        expectedVersion(req),
      );
      return reply.status(204).header('etag', `"${version}"`).send(null);
    },
  );
  app.delete(
    '/api/callerid/numbers/:id',
    {
      config: owners,
      schema: {
        tags,
        summary: 'Delete a caller ID (with If-Match: only if nobody changed it since)',
        params: IdParams,
        headers: IfMatchHeaders,
        response: { 204: NoContent, ...versionedResponses },
      },
    },
    async (req, reply) => {
      await callerIdAdmin.deleteNumber(actorOf(req), req.params.id, expectedVersion(req));
      return reply.status(204).send(null);
    },
  );
}
