import { Type } from 'typebox';
import { actorOf } from '../http/auth.plugin.js';
import {
  errorResponses,
  Id,
  IdParams,
  NoContent,
  Nullable,
  PageOf,
  PageQuery,
  Strict,
  StringEnum,
  Timestamp,
} from '../http/schemas.js';
import type { App } from '../http/types.js';
import type { Services } from '../services.js';
import { csvBody } from './csv-rows.js';
import { ImportReport } from './lists.routes.js';

const Entry = Type.Object({
  id: Type.Integer(),
  phone: Type.String({ description: 'E.164' }),
  campaign_id: Nullable(Type.Integer({ description: 'null: every campaign' })),
  source: StringEnum(['import', 'api', 'disposition'] as const),
  note: Nullable(Type.String()),
  added_by: Nullable(Type.Integer()),
  created_at: Timestamp,
});
const tags = ['dialer'];
const managers = { access: ['admin', 'staff'] as const };

export function dncRoutes(app: App, { dnc }: Services): void {
  app.get(
    '/api/dialer/dnc',
    {
      config: managers,
      schema: {
        tags,
        summary:
          'The do-not-call list, newest first; `phone` (normalised) finds a number’s entries, `campaign_id` a campaign’s own',
        querystring: Type.Object({
          ...PageQuery,
          phone: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
          campaign_id: Type.Optional(Id),
        }),
        response: { 200: PageOf(Entry), ...errorResponses },
      },
    },
    async (req) => {
      const { limit, offset, phone, campaign_id } = req.query;
      return dnc.list({ phone, campaignId: campaign_id }, { limit, offset });
    },
  );
  app.post(
    '/api/dialer/dnc',
    {
      config: managers,
      schema: {
        tags,
        summary:
          'Put a number on the do-not-call list, for every campaign (no campaign_id) or one; ' +
          'a number already there answers 200 with its entry',
        body: Strict({
          phone: Type.String({ minLength: 1, maxLength: 32 }),
          campaign_id: Type.Optional(Nullable(Id)),
          note: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
        }),
        response: { 200: Entry, 201: Entry, ...errorResponses },
      },
    },
    async (req, reply) => {
      const { entry, created } = await dnc.add(actorOf(req), req.body);
      return reply.status(created ? 201 : 200).send(entry);
    },
  );
  app.delete(
    '/api/dialer/dnc/:id',
    {
      config: managers,
      schema: {
        tags,
        summary: 'Take an entry off the do-not-call list',
        params: IdParams,
        response: { 204: NoContent, ...errorResponses },
      },
    },
    async (req, reply) => {
      await dnc.remove(req.params.id);
      return reply.status(204).send(null);
    },
  );

  app.register(async (scoped) => {
    // Only here: a text/csv body reaches the handler as the request stream.
    scoped.addContentTypeParser(['text/csv', 'application/csv'], (_req, payload, done) =>
      done(null, payload),
    );
    scoped.post(
      '/api/dialer/dnc/import',
      {
        config: managers,
        schema: {
          tags,
          summary:
            'Import do-not-call numbers from CSV (header: phone, campaign_id (empty = every campaign), note); ' +
            'numbers already there are duplicates; batches commit as they go, as the lead import',
          consumes: ['text/csv'],
          response: { 200: Type.Object(ImportReport), ...errorResponses },
        },
      },
      async (req) => dnc.importCsv(actorOf(req), csvBody(req.body)),
    );
  });

  app.get(
    '/api/dialer/dnc/export.csv',
    {
      config: managers,
      schema: {
        tags,
        summary:
          'The do-not-call list as CSV: phone, campaign_id, note, source, added_by, created_at (re-importable)',
        produces: ['text/csv'],
        response: { 200: Type.String({ description: 'CSV with a header row' }), ...errorResponses },
      },
    },
    async (_req, reply) =>
      reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="do-not-call.csv"')
        .send((await dnc.exportCsv()) as unknown as string), // a stream of that string
  );
}
