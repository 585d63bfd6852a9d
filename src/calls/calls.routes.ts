import { Type } from 'typebox';
import { actorOf } from '../http/auth.plugin.js';
import {
  errorResponses,
  Id,
  IdParams,
  MoneyOut,
  Nullable,
  PageOf,
  PageQuery,
  StringEnum,
  Timestamp,
} from '../http/schemas.js';
import type { App } from '../http/types.js';
import type { Services } from '../services.js';
import { csvDownload } from '../shared/csv.js';
import type { CallFilter } from './calls.service.js';

const Call = Type.Object({
  id: Type.Integer(),
  uniqueid: Type.String(),
  direction: Type.String(),
  did: Nullable(Type.String()),
  caller_id: Nullable(Type.String()),
  campaign_id: Nullable(Type.Integer()),
  campaign_name: Nullable(Type.String()),
  seller_id: Nullable(Type.Integer()),
  link_id: Nullable(Type.Integer()),
  client_id: Nullable(Type.Integer()),
  client_name: Nullable(Type.String()),
  last_client_name: Nullable(
    Type.String({ description: "The client of the call's last attempt, answered or not" }),
  ),
  started_at: Timestamp,
  answered_at: Nullable(Timestamp),
  ended_at: Nullable(Timestamp),
  duration: Nullable(Type.Integer()),
  billsec: Type.Integer(),
  disposition: Nullable(
    Type.String({ description: 'As Asterisk CDRs name it; null while the call is in progress' }),
  ),
  dial_status: Nullable(Type.String()),
  hangup_cause: Nullable(Type.Integer()),
  routing_status: Type.String(),
  reject_reason: Nullable(Type.String()),
  billable: Type.Boolean(),
  cost: MoneyOut,
  payout: MoneyOut,
  source: Nullable(Type.String({ description: 'What reported the end: agi, http, reconciled, expired' })),
  attempt_count: Type.Integer(),
  state: StringEnum(['dialing', 'rejected', 'exhausted', 'ended', 'expired'], {
    description: 'The call state (docs/architecture.md); the call log lists ended and expired calls',
  }),
});

const Attempt = Type.Object({
  id: Type.Integer({ description: 'The id the dialplan passes back as CC_ATTEMPT' }),
  seq: Type.Integer(),
  state: StringEnum(['dialing', 'failed', 'answered', 'unanswered', 'not_dialed', 'expired']),
  link_id: Nullable(Type.Integer()),
  client_id: Nullable(Type.Integer()),
  client_name: Nullable(Type.String()),
  dial_status: Nullable(Type.String()),
  ring_seconds: Type.Integer(),
  started_at: Timestamp,
  ended_at: Nullable(Timestamp),
});

const CallDetail = Type.Object({
  ...Call.properties,
  recording: Nullable(Type.String()),
  pbx: Nullable(Type.String()),
  did_raw: Nullable(
    Type.String({ description: 'The dialled number as the PBX sent it (did is E.164 when it parses)' }),
  ),
  caller_id_raw: Nullable(Type.String({ description: 'The caller id as the PBX sent it' })),
  end_reason: Nullable(
    Type.String({ description: 'hangup, max_duration, pbx_restarted, channel_gone or operator' }),
  ),
  attempts: Type.Array(Attempt),
  trace: Type.Array(Type.Record(Type.String(), Type.Unknown()), {
    description: 'Every candidate considered and why it was skipped, reserved or failed',
  }),
});

const Filters = {
  from: Type.Optional(Type.String({ format: 'date-time' })),
  to: Type.Optional(Type.String({ format: 'date-time' })),
  campaign_id: Type.Optional(Id),
  client_id: Type.Optional(Id),
  seller_id: Type.Optional(Id),
  did: Type.Optional(Type.String({ maxLength: 32 })),
  caller: Type.Optional(Type.String({ maxLength: 64 })),
  routing_status: Type.Optional(StringEnum(['routed', 'rejected', 'unrouted', 'expired'])),
  disposition: Type.Optional(Type.String({ maxLength: 20 })),
};

const CSV_COLUMNS = [
  'id',
  'uniqueid',
  'started_at',
  'answered_at',
  'ended_at',
  'did',
  'caller_id',
  'campaign_name',
  'client_name',
  'routing_status',
  'reject_reason',
  'disposition',
  'dial_status',
  'hangup_cause',
  'duration',
  'billsec',
  'billable',
  'cost',
  'payout',
  'attempt_count',
] as const;

const tags = ['calls'];
const access = { access: ['admin', 'staff', 'seller'] as const };

export function callsRoutes(app: App, { calls }: Services): void {
  app.get(
    '/api/calls',
    {
      config: access,
      schema: {
        tags,
        summary: 'Call logs, newest first (a seller sees their own)',
        querystring: Type.Object({ ...PageQuery, ...Filters }),
        response: {
          200: Type.Object({
            ...PageOf(Call).properties,
            total_is_lower_bound: Type.Boolean({
              description: 'The total is at least this: calls are counted up to 10,000 past the page',
            }),
          }),
          ...errorResponses,
        },
      },
    },
    async (req) => {
      const { limit, offset, ...filter } = req.query;
      return calls.list(actorOf(req), filter as CallFilter, { limit, offset });
    },
  );

  app.get(
    '/api/calls/export.csv',
    {
      config: access,
      schema: {
        tags,
        summary: 'The same filters as /api/calls, as CSV, streamed oldest first',
        querystring: Type.Object(Filters),
        produces: ['text/csv'],
        response: { 200: Type.String({ description: 'CSV with a header row' }), ...errorResponses },
      },
    },
    async (req, reply) => {
      const rows = calls.exportRows(actorOf(req), req.query as CallFilter);
      const csv = await csvDownload(
        (async function* () {
          for await (const r of rows) {
            yield CSV_COLUMNS.map((c) => {
              const v = r[c];
              return v instanceof Date ? v.toISOString() : v;
            });
          }
        })(),
        CSV_COLUMNS,
      );
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="calls.csv"')
        .send(csv as unknown as string);
    },
  );

  app.get(
    '/api/calls/:id',
    {
      config: access,
      schema: {
        tags,
        summary: 'One call with its attempts and decision trace',
        params: IdParams,
        response: { 200: CallDetail, ...errorResponses },
      },
    },
    async (req) => calls.get(actorOf(req), req.params.id),
  );
}
