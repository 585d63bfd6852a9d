import { Type } from 'typebox';
import { actorOf } from '../http/auth.plugin.js';
import { errorResponses, Id, MoneyOut, Nullable, StringEnum, Timestamp, Timezone } from '../http/schemas.js';
import type { App } from '../http/types.js';
import type { Services } from '../services.js';
import { csvDownload, csvText } from '../shared/csv.js';
import { GROUP_BY, INTERVALS, type Figures, type GroupBy } from './reports.service.js';

const tags = ['reports'];
const access = { access: ['admin', 'staff', 'seller'] as const };

const Day = Type.String({ format: 'date', examples: ['2026-11-01'] });
const Period = {
  from: { ...Day, description: 'First day, in `tz`' },
  to: { ...Day, description: 'Last day (included), in `tz`' },
  tz: Type.Optional({ ...Timezone, description: 'Time zone of the days and periods (default UTC)' }),
};
const ReportQuery = Type.Object({
  ...Period,
  group_by: Type.Optional(StringEnum(GROUP_BY, { description: 'Rows by this (default campaign)' })),
  interval: Type.Optional(StringEnum(INTERVALS, { description: 'The series by this (default day)' })),
  key: Type.Optional(
    Type.String({
      maxLength: 32,
      description:
        'Only calls of this key of group_by: a campaign or buyer id, a DID, an area code, a state (US-TX)',
    }),
  ),
});

const FigureProps = {
  calls: Type.Integer(),
  answered: Type.Integer(),
  converted: Type.Integer(),
  rejected: Type.Integer(),
  conversion_rate: Nullable(Type.Number({ description: 'Converted ÷ calls, 0–1' })),
  average_handle_seconds: Nullable(Type.Number({ description: 'Billed seconds ÷ answered calls' })),
  billsec: Type.Number(),
  revenue: { ...MoneyOut, description: 'What buyers owe for the converted calls (the links’ payouts)' },
  cost: { ...MoneyOut, description: 'What the platform charged the seller for the minutes' },
  profit: { ...MoneyOut, description: 'Revenue − cost' },
};

const Report = Type.Object({
  from: Type.String(),
  to: Type.String(),
  timezone: Type.String(),
  group_by: Type.String(),
  interval: Type.String(),
  source: StringEnum(['rollups', 'calls'] as const, {
    description: 'Hourly rollups, or the calls themselves for a zone whose offset is not whole hours',
  }),
  totals: Type.Object(FigureProps),
  rows: Type.Array(Type.Object({ key: Type.String(), label: Type.String(), ...FigureProps })),
  series: Type.Array(Type.Object({ period: Timestamp, ...FigureProps })),
});

const StatementQuery = Type.Object({ client_id: Id, ...Period });
const Statement = Type.Object({
  client: Type.Object({ id: Type.Integer(), name: Type.String() }),
  from: Type.String(),
  to: Type.String(),
  timezone: Type.String(),
  converted_calls: Type.Integer(),
  amount_due: MoneyOut,
  campaigns: Type.Array(
    Type.Object({
      campaign_id: Nullable(Type.Integer()),
      campaign_name: Type.String(),
      calls: Type.Integer(),
      payout: MoneyOut,
    }),
  ),
  calls: Type.Array(
    Type.Object({
      id: Type.Integer(),
      started_at: Timestamp,
      caller_id: Nullable(Type.String()),
      did: Nullable(Type.String()),
      campaign_id: Nullable(Type.Integer()),
      campaign_name: Nullable(Type.String()),
      billsec: Type.Integer(),
      payout: MoneyOut,
    }),
    { description: 'The first 1,000 calls; the CSV has them all' },
  ),
  calls_truncated: Type.Boolean(),
});

const FIGURE_COLUMNS = [
  'calls',
  'answered',
  'converted',
  'rejected',
  'conversion_rate',
  'average_handle_seconds',
  'revenue',
  'cost',
  'profit',
] as const satisfies readonly (keyof Figures)[];

const STATEMENT_COLUMNS = [
  'call_id',
  'started_at',
  'caller_id',
  'did',
  'campaign',
  'billsec',
  'payout',
] as const;

function reportQuery(q: {
  from: string;
  to: string;
  tz?: string;
  group_by?: GroupBy;
  interval?: 'hour' | 'day' | 'month';
  key?: string;
}) {
  return {
    from: q.from,
    to: q.to,
    timezone: q.tz ?? 'UTC',
    group_by: q.group_by ?? 'campaign',
    interval: q.interval ?? 'day',
    key: q.key,
  };
}

export function reportsRoutes(app: App, { reports }: Services): void {
  app.get(
    '/api/reports',
    {
      config: access,
      schema: {
        tags,
        summary:
          'Calls, answers, conversions, handle time, revenue, cost and profit by a dimension and over time',
        querystring: ReportQuery,
        response: { 200: Report, ...errorResponses },
      },
    },
    async (req) => reports.report(actorOf(req), reportQuery(req.query)),
  );

  app.get(
    '/api/reports/export.csv',
    {
      config: access,
      schema: {
        tags,
        summary: 'The same report as CSV: its rows, or its series with view=series',
        querystring: Type.Object({
          ...ReportQuery.properties,
          view: Type.Optional(StringEnum(['rows', 'series'] as const)),
        }),
        produces: ['text/csv'],
        response: { 200: Type.String({ description: 'CSV with a header row' }), ...errorResponses },
      },
    },
    async (req, reply) => {
      const r = await reports.report(actorOf(req), reportQuery(req.query));
      const series = req.query.view === 'series';
      const csv = series
        ? csvText(
            ['period', ...FIGURE_COLUMNS],
            r.series.map((s) => [s.period.toISOString(), ...FIGURE_COLUMNS.map((c) => s[c])]),
          )
        : csvText(
            [r.group_by, 'label', ...FIGURE_COLUMNS],
            r.rows.map((s) => [s.key, s.label, ...FIGURE_COLUMNS.map((c) => s[c])]),
          );
      const name = `report-${r.group_by}-${series ? r.interval : 'rows'}-${r.from}-${r.to}.csv`;
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${name}"`)
        .send(csv);
    },
  );

  app.get(
    '/api/reports/buyer-statement',
    {
      config: access,
      schema: {
        tags,
        summary: "A buyer's converted calls in a period and what it owes for them",
        querystring: StatementQuery,
        response: { 200: Statement, ...errorResponses },
      },
    },
    async (req) =>
      reports.statement(actorOf(req), req.query.client_id, {
        from: req.query.from,
        to: req.query.to,
        timezone: req.query.tz ?? 'UTC',
      }),
  );

  app.get(
    '/api/reports/buyer-statement.csv',
    {
      config: access,
      schema: {
        tags,
        summary: "A buyer's statement as CSV, every converted call, streamed oldest first",
        querystring: StatementQuery,
        produces: ['text/csv'],
        response: { 200: Type.String({ description: 'CSV with a header row' }), ...errorResponses },
      },
    },
    async (req, reply) => {
      const q = { from: req.query.from, to: req.query.to, timezone: req.query.tz ?? 'UTC' };
      const rows = reports.statementCalls(actorOf(req), req.query.client_id, q);
      const csv = await csvDownload(
        (async function* () {
          for await (const c of rows)
            yield [
              c.id,
              c.started_at.toISOString(),
              c.caller_id,
              c.did,
              c.campaign_name,
              c.billsec,
              c.payout,
            ];
        })(),
        STATEMENT_COLUMNS,
      );
      return reply
        .type('text/csv; charset=utf-8')
        .header(
          'content-disposition',
          `attachment; filename="statement-client-${req.query.client_id}-${q.from}-${q.to}.csv"`,
        )
        .send(csv as unknown as string);
    },
  );
}
