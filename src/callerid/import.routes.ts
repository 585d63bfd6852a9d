import { Readable } from 'node:stream';
import { Type } from 'typebox';
import { errorResponses } from '../http/schemas.js';
import { AppError } from '../shared/errors.js';
import type { App } from '../http/types.js';
import type { Services } from '../services.js';

const Report = Type.Object({
  total: Type.Integer(),
  inserted: Type.Integer(),
  rejected: Type.Array(Type.Object({ row: Type.Integer(), input: Type.String(), reason: Type.String() })),
});
const tags = ['caller ID'];
const managers = { access: ['admin', 'staff'] as const };

/** CSV in and out, streamed both ways (the body is never held in memory whole). */
export function callerIdImportRoutes(app: App, { callerIdImport }: Services): void {
  app.register(async (scoped) => {
    // Only here: a text/csv body reaches the handler as the request stream.
    scoped.addContentTypeParser(['text/csv', 'application/csv'], (_req, payload, done) =>
      done(null, payload),
    );
    scoped.post(
      '/api/callerid/import',
      {
        config: managers,
        schema: {
          tags,
          summary:
            'Import caller IDs from CSV (header: caller_id, carrier, area_code, hourly_limit, daily_limit, campaign, status, meta); ' +
            'every rejected row is reported with its reason',
          consumes: ['text/csv'],
          response: { 200: Report, ...errorResponses },
        },
      },
      async (req) => {
        if (!(req.body instanceof Readable)) {
          throw new AppError(
            'unsupported_media_type',
            'send the file as the request body with content-type text/csv',
          );
        }
        return callerIdImport.importCsv(req.body);
      },
    );
  });

  app.get(
    '/api/callerid/export.csv',
    {
      config: managers,
      schema: {
        tags,
        summary:
          'Every caller ID as CSV (re-importable); `campaign` narrows to one pool, empty = the global pool',
        querystring: Type.Object({ campaign: Type.Optional(Type.String({ maxLength: 64 })) }),
        produces: ['text/csv'],
        response: { 200: Type.String({ description: 'CSV with a header row' }) },
      },
    },
    async (req, reply) => {
      const campaign = req.query.campaign === undefined ? undefined : req.query.campaign || null;
      const csv = await callerIdImport.exportCsv(campaign === undefined ? {} : { campaign });
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="caller-ids.csv"')
        .send(csv as unknown as string); // a stream of that string
    },
  );
}
