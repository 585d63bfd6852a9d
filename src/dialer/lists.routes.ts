import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  errorResponses,
  Id,
  IdParams,
  Name,
  NoContent,
  Nullable,
  PageOf,
  PageQuery,
  Strict,
  StringEnum,
  Timestamp,
} from '../http/schemas.js';
import type { App } from '../http/types.js';
import { expectedVersion, IfMatchHeaders, versionedResponses, Version, withEtag } from '../http/versions.js';
import type { Services } from '../services.js';
import { csvBody } from './csv-rows.js';
import { LEAD_STATES } from './lists.repo.js';

const ListStatus = StringEnum(['active', 'inactive'] as const);
const LeadState = StringEnum(LEAD_STATES);
const Count = Type.Integer({ minimum: 0 });

const List = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  campaign_id: Nullable(Type.Integer()),
  status: ListStatus,
  version: Version,
  created_at: Timestamp,
  counts: Type.Object(
    { total: Count, new: Count, dialling: Count, answered: Count, retry: Count, done: Count },
    { description: 'the list’s leads, all and by state' },
  ),
});

const Lead = Type.Object({
  id: Type.Integer(),
  list_id: Type.Integer(),
  phone: Type.String({ description: 'E.164' }),
  name: Nullable(Type.String()),
  country: Nullable(Type.String()),
  region: Nullable(Type.String({ description: 'US state or Canadian province' })),
  postal_code: Nullable(Type.String()),
  time_zones: Type.Array(Type.String(), { description: 'every zone the lead may be in; empty: unknown' }),
  tz_source: Nullable(StringEnum(['column', 'zip', 'state', 'number'] as const)),
  fields: Type.Record(Type.String(), Type.String()),
  state: LeadState,
  disposition: Nullable(Type.String()),
  attempts: Type.Integer(),
  outcome_counts: Type.Record(Type.String(), Type.Integer()),
  next_attempt_at: Nullable(Timestamp),
  last_outcome: Nullable(Type.String()),
  last_call_id: Nullable(Type.Integer()),
  last_called_at: Nullable(Timestamp),
  created_at: Timestamp,
  updated_at: Timestamp,
});

/** The report of a CSV import (lead lists and do-not-call numbers). */
export const ImportReport = {
  total: Type.Integer({ description: 'data rows read' }),
  inserted: Type.Integer(),
  duplicates: Type.Integer({ description: 'rows whose number was already there (also listed as rejected)' }),
  rejected_count: Type.Integer({ description: 'total = inserted + rejected_count' }),
  rejected: Type.Array(
    Type.Object({
      row: Type.Integer({ description: 'the line of the file the row starts on (the header is line 1)' }),
      input: Type.String(),
      reason: Type.String(),
    }),
    { description: 'rejected rows in file order (at most 1000; the rest are only counted)' },
  ),
};

const ListBody = {
  name: Name(100),
  campaign_id: Nullable(Id),
  status: ListStatus,
};
const tags = ['dialer'];
const managers = { access: ['admin', 'staff'] as const };

export function dialerListsRoutes(app: App, { dialerLists }: Services): void {
  app.get(
    '/api/dialer/lists',
    {
      config: managers,
      schema: {
        tags,
        summary: 'Lead lists, newest first, each with its leads counted by state',
        querystring: Type.Object({
          ...PageQuery,
          campaign_id: Type.Optional(Id),
          status: Type.Optional(ListStatus),
        }),
        response: { 200: PageOf(List), ...errorResponses },
      },
    },
    async (req) => {
      const { limit, offset, campaign_id, status } = req.query;
      return dialerLists.list({ campaignId: campaign_id, status }, { limit, offset });
    },
  );
  app.post(
    '/api/dialer/lists',
    {
      config: managers,
      schema: {
        tags,
        summary: 'Create a lead list (optionally of a dialer campaign)',
        body: Strict({
          name: ListBody.name,
          campaign_id: Type.Optional(ListBody.campaign_id),
          status: Type.Optional(ListBody.status),
        }),
        response: { 201: List, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await dialerLists.create(req.body)),
  );
  app.get(
    '/api/dialer/lists/:id',
    {
      config: managers,
      schema: {
        tags,
        summary: 'A lead list (ETag: its version)',
        params: IdParams,
        response: { 200: List, ...errorResponses },
      },
    },
    async (req, reply) => withEtag(reply, await dialerLists.get(req.params.id)),
  );
  app.patch(
    '/api/dialer/lists/:id',
    {
      config: managers,
      schema: {
        tags,
        summary:
          'Rename a lead list, change its campaign or (de)activate it (with If-Match: only if nobody changed it since)',
        params: IdParams,
        headers: IfMatchHeaders,
        body: Strict(
          {
            name: Type.Optional(ListBody.name),
            campaign_id: Type.Optional(ListBody.campaign_id),
            status: Type.Optional(ListBody.status),
          },
          { minProperties: 1 },
        ),
        response: { 200: List, ...versionedResponses },
      },
    },
    async (req, reply) =>
      withEtag(reply, await dialerLists.update(req.params.id, req.body, expectedVersion(req))),
  );
  app.delete(
    '/api/dialer/lists/:id',
    {
      config: managers,
      schema: {
        tags,
        summary:
          'Delete a lead list and its leads (409 while one of them is in a call; with If-Match: only if nobody changed it since)',
        params: IdParams,
        headers: IfMatchHeaders,
        response: { 204: NoContent, ...versionedResponses },
      },
    },
    async (req, reply) => {
      await dialerLists.remove(req.params.id, expectedVersion(req));
      return reply.status(204).send(null);
    },
  );

  app.register(async (instance) => {
    const scoped = instance.withTypeProvider<TypeBoxTypeProvider>();
    // Only here: a text/csv body reaches the handler as the request stream.
    scoped.addContentTypeParser(['text/csv', 'application/csv'], (_req, payload, done) =>
      done(null, payload),
    );
    scoped.post(
      '/api/dialer/lists/:id/import',
      {
        config: managers,
        schema: {
          tags,
          summary:
            'Import leads from CSV (header row; phone or phone_number or number, name or first_name + last_name, ' +
            'state, zip or postal_code, time_zone; other columns become the lead’s fields). Numbers already in the ' +
            'list are duplicates. Each batch of rows commits as it goes: a file unreadable part-way (a quote never ' +
            'closed) is a 400 saying how many rows before it were imported, with the report so far in details',
          consumes: ['text/csv'],
          params: IdParams,
          response: {
            200: Type.Object({
              ...ImportReport,
              unknown_time_zone: Type.Integer({ description: 'leads inserted without a known time zone' }),
            }),
            ...errorResponses,
          },
        },
      },
      async (req) => dialerLists.importCsv(req.params.id, csvBody(req.body)),
    );
  });

  app.get(
    '/api/dialer/lists/:id/leads',
    {
      config: managers,
      schema: {
        tags,
        summary: 'The leads of a list in import order',
        params: IdParams,
        querystring: Type.Object({ ...PageQuery, state: Type.Optional(LeadState) }),
        response: { 200: PageOf(Lead), ...errorResponses },
      },
    },
    async (req) => {
      const { limit, offset, state } = req.query;
      return dialerLists.leads(req.params.id, { state }, { limit, offset });
    },
  );
  app.get(
    '/api/dialer/lists/:id/export.csv',
    {
      config: managers,
      schema: {
        tags,
        summary:
          'Every lead of the list as CSV: phone, name, state, zip, time_zones, lead_state, disposition, attempts, ' +
          'last_outcome, last_called_at, next_attempt_at, then one column per field (re-importable)',
        params: IdParams,
        produces: ['text/csv'],
        response: { 200: Type.String({ description: 'CSV with a header row' }), ...errorResponses },
      },
    },
    async (req, reply) => {
      const csv = await dialerLists.exportCsv(req.params.id);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="leads-${req.params.id}.csv"`)
        .send(csv as unknown as string); // a stream of that string
    },
  );
  app.get(
    '/api/dialer/leads/:id',
    {
      config: managers,
      schema: { tags, summary: 'A lead', params: IdParams, response: { 200: Lead, ...errorResponses } },
    },
    async (req) => dialerLists.lead(req.params.id),
  );
}
