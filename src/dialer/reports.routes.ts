import { Type } from 'typebox';
import { errorResponses, Id, Nullable, StringEnum, Timestamp } from '../http/schemas.js';
import type { App } from '../http/types.js';
import type { Services } from '../services.js';

const tags = ['dialer'];
const managers = { access: ['admin', 'staff'] as const };

const Seconds = (description: string) => Type.Number({ minimum: 0, description });
const Ratio = (description: string) => Nullable(Type.Number({ minimum: 0, description }));
const Counts = Type.Record(Type.String(), Type.Integer(), {
  description: "the agents' dispositions of these calls, by name",
});

const Period = {
  from: Type.Optional(
    Type.String({ format: 'date-time', description: 'Calls started from (default: today 00:00 UTC)' }),
  ),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'until, excluded (default: now)' })),
};

const AgentReport = Type.Object({
  user_id: Type.Integer(),
  agent_id: Nullable(Type.Integer({ description: 'null: the agent was deleted since' })),
  name: Type.String(),
  extension: Nullable(Type.String()),
  calls: Type.Integer({ description: 'dialer calls put through to the agent' }),
  talk_seconds: Seconds("answer to end of the agent's calls a person answered (human)"),
  wait_seconds: Seconds('time available, waiting for a call'),
  ring_seconds: Seconds('time ringing'),
  on_call_seconds: Seconds('time on a call (status history)'),
  wrap_seconds: Seconds('time in wrap-up'),
  paused_seconds: Type.Record(Type.String(), Type.Number(), { description: 'time paused, by reason' }),
  utilisation: Ratio('on call ÷ (available + ringing + on call + wrap-up); null with no such time'),
  dispositions: Counts,
});

const CampaignReport = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  status: StringEnum(['active', 'paused', 'archived']),
  mode: StringEnum(['preview', 'progressive', 'predictive']),
  abandon_target: Type.Number({ description: 'the campaign’s highest abandon rate, e.g. 0.03' }),
  dials: Type.Integer({ description: 'calls placed (every outcome but not_dialed, and those in progress)' }),
  answered: Type.Integer({ description: 'human + abandoned: a person answered' }),
  human: Type.Integer(),
  machine: Type.Integer(),
  busy: Type.Integer(),
  no_answer: Type.Integer(),
  failed: Type.Integer(),
  abandoned: Type.Integer(),
  abandon_rate: Ratio('abandoned ÷ answered; null when nothing was answered'),
  abandon_rate_30d: Ratio('the same over the 30 days before `to`'),
  talk_seconds: Seconds('answer to end of the calls a person answered (human)'),
  wait_seconds: Seconds("the agents' time available in this campaign"),
  wrap_seconds: Seconds("the agents' time in wrap-up in this campaign"),
  utilisation: Ratio("the agents' time on a call ÷ their working time in this campaign"),
  dispositions: Counts,
  agents: Type.Array(AgentReport, { description: 'the same figures per agent, in this campaign' }),
});

const PeriodReply = { at: Timestamp, from: Timestamp, to: Timestamp };
const CampaignsReply = Type.Object({ ...PeriodReply, items: Type.Array(CampaignReport) });
const AgentsReply = Type.Object({
  ...PeriodReply,
  campaign_id: Nullable(Type.Integer()),
  items: Type.Array(AgentReport),
});

const TIME_RULE =
  "Agents' time comes from their status history: a call's statuses count for its campaign, the rest of a " +
  'stretch of work (until the agent goes offline) for the campaign of the call before it (or, before any, ' +
  "after it), and time in the agent's current dialer session for that session's campaign.";

/** The dialer's reports for admins and staff (docs/dashboard.md, "Dialer reports"). */
export function dialerReportsRoutes(app: App, { dialerReports }: Services): void {
  app.get(
    '/api/dialer/reports/campaigns',
    {
      config: managers,
      schema: {
        tags,
        summary: 'Dialer campaigns’ figures over a period: dials by outcome, abandon rates, agents’ time',
        description: `Calls count by their start, in [from, to); at most 92 days. ${TIME_RULE}`,
        querystring: Type.Object(Period),
        response: { 200: CampaignsReply, ...errorResponses },
      },
    },
    async (req) => dialerReports.campaigns(req.query),
  );

  app.get(
    '/api/dialer/reports/agents',
    {
      config: managers,
      schema: {
        tags,
        summary: 'Agents’ figures over a period: calls, talk, wait, wrap-up, pauses, utilisation',
        description: `Calls count by their start, in [from, to); at most 92 days. With campaign_id, that campaign's calls and time. ${TIME_RULE}`,
        querystring: Type.Object({ ...Period, campaign_id: Type.Optional(Id) }),
        response: { 200: AgentsReply, ...errorResponses },
      },
    },
    async (req) => dialerReports.agents(req.query),
  );
}
