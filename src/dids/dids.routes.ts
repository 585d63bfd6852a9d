import { Type } from 'typebox';
import { actorOf } from '../http/auth.plugin.js';
import {
  errorResponses,
  Id,
  IdParams,
  Nullable,
  PageOf,
  PageQuery,
  Strict,
  Timestamp,
} from '../http/schemas.js';
import type { App } from '../http/types.js';
import { expectedVersion, IfMatchHeaders, versionedResponses, Version, withEtag } from '../http/versions.js';
import type { Services } from '../services.js';

export const Did = Type.Object({
  id: Type.Integer(),
  number: Type.String(),
  status: Type.String(),
  seller_id: Nullable(Type.Integer()),
  campaign_id: Nullable(Type.Integer()),
  did_request_id: Nullable(Type.Integer()),
  country: Nullable(Type.String()),
  area_code: Nullable(Type.String()),
  notes: Nullable(Type.String()),
  assigned_at: Nullable(Timestamp),
  retired_at: Nullable(Timestamp),
  version: Version,
  created_at: Timestamp,
  updated_at: Timestamp,
});
const Number_ = Type.String({
  minLength: 3,
  maxLength: 32,
  description: 'Any common format; stored as E.164',
});
const Notes = Type.String({ maxLength: 1000 });
const tags = ['dids'];
const managers = { access: ['admin', 'staff'] as const };
const readers = { access: ['admin', 'staff', 'seller'] as const };

export function didsRoutes(app: App, { dids }: Services): void {
  app.get(
    '/api/dids',
    {
      config: readers,
      schema: {
        tags,
        summary: 'DID inventory (a seller sees only their own numbers)',
        querystring: Type.Object({
          ...PageQuery,
          status: Type.Optional(
            Type.Union([Type.Literal('available'), Type.Literal('assigned'), Type.Literal('retired')]),
          ),
          seller_id: Type.Optional(Id),
          campaign_id: Type.Optional(Id),
          area_code: Type.Optional(Type.String({ pattern: '^[0-9]{2,5}$' })),
          q: Type.Optional(Type.String({ maxLength: 32 })),
        }),
        response: { 200: PageOf(Did) },
      },
    },
    async (req) => {
      const { limit, offset, seller_id, campaign_id, area_code, ...rest } = req.query;
      return dids.list(
        actorOf(req),
        { ...rest, sellerId: seller_id, campaignId: campaign_id, areaCode: area_code },
        { limit, offset },
      );
    },
  );

  app.post(
    '/api/dids',
    {
      config: managers,
      schema: {
        tags,
        summary: 'Add one number to the inventory',
        body: Strict({ number: Number_, notes: Type.Optional(Notes) }),
        response: { 201: Did, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await dids.addOne(req.body)),
  );

  app.post(
    '/api/dids/bulk',
    {
      config: managers,
      schema: {
        tags,
        summary: 'Add many numbers; returns what was created and, per number, what was rejected and why',
        body: Strict({
          numbers: Type.Array(Number_, { minItems: 1, maxItems: 10_000 }),
          notes: Type.Optional(Notes),
        }),
        response: {
          200: Type.Object({
            created: Type.Array(Did),
            rejected: Type.Array(Type.Object({ input: Type.String(), reason: Type.String() })),
          }),
          ...errorResponses,
        },
      },
    },
    async (req) => dids.addMany(req.body.numbers.map((number) => ({ number, notes: req.body.notes }))),
  );

  app.get(
    '/api/dids/:id',
    {
      config: readers,
      schema: {
        tags,
        summary: 'One DID (ETag: its version)',
        params: IdParams,
        response: { 200: Did, ...errorResponses },
      },
    },
    async (req, reply) => withEtag(reply, await dids.get(actorOf(req), req.params.id)),
  );

  app.patch(
    '/api/dids/:id',
    {
      config: managers,
      schema: {
        tags,
        summary: 'Change notes (with If-Match: only if nobody changed the DID since)',
        params: IdParams,
        headers: IfMatchHeaders,
        body: Strict({ notes: Nullable(Notes) }),
        response: { 200: Did, ...versionedResponses },
      },
    },
    async (req, reply) =>
      withEtag(reply, await dids.setNotes(actorOf(req), req.params.id, req.body.notes, expectedVersion(req))),
  );

  app.post(
    '/api/dids/:id/assign',
    {
      config: managers,
      schema: {
        tags,
        summary: 'Assign an available DID to a seller',
        params: IdParams,
        body: Strict({ seller_id: Id }),
        response: { 200: Did, ...errorResponses },
      },
    },
    async (req) => dids.assign(req.params.id, req.body.seller_id),
  );

  app.post(
    '/api/dids/:id/unassign',
    {
      config: managers,
      schema: {
        tags,
        summary: 'Take a DID back into the available pool',
        params: IdParams,
        response: { 200: Did, ...errorResponses },
      },
    },
    async (req) => dids.unassign(req.params.id),
  );

  app.post(
    '/api/dids/:id/retire',
    {
      config: managers,
      schema: {
        tags,
        summary: 'Retire a DID for good',
        params: IdParams,
        response: { 200: Did, ...errorResponses },
      },
    },
    async (req) => dids.retire(req.params.id),
  );
}
