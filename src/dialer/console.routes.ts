import { Type } from 'typebox';
import { actorOf } from '../http/auth.plugin.js';
import { errorResponses, Id, Nullable, StringEnum, Timestamp } from '../http/schemas.js';
import type { App } from '../http/types.js';
import type { Services } from '../services.js';

const tags = ['dialer'];
const agentOnly = { access: ['agent'] as const };

const LeadSchema = Type.Object({
  id: Type.Integer(),
  list_id: Type.Integer(),
  phone: Type.String(),
  name: Nullable(Type.String()),
  country: Nullable(Type.String()),
  region: Nullable(Type.String()),
  postal_code: Nullable(Type.String()),
  time_zones: Type.Array(Type.String()),
  fields: Type.Record(Type.String(), Type.Unknown()),
  state: Type.String(),
  disposition: Nullable(Type.String()),
  attempts: Type.Integer(),
  last_outcome: Nullable(Type.String()),
  last_called_at: Nullable(Timestamp),
});

export const ConsoleSchema = Type.Object({
  agent: Type.Object({
    id: Type.Integer(),
    extension: Type.String(),
    status: Type.String(),
    pause_reason: Nullable(Type.String()),
  }),
  session: Nullable(
    Type.Object({
      campaign_id: Type.Integer(),
      state: StringEnum(['connecting', 'ready'], {
        description: "connecting: the agent's phone is being called; ready: it waits in the agent's bridge",
      }),
      joined_at: Timestamp,
    }),
  ),
  campaign: Nullable(
    Type.Object({
      id: Type.Integer(),
      name: Type.String(),
      mode: StringEnum(['preview', 'progressive', 'predictive']),
      dispositions: Type.Array(Type.String()),
    }),
  ),
  call: Nullable(
    Type.Object({
      id: Type.Integer(),
      state: Type.String(),
      number: Nullable(Type.String()),
      caller_id: Nullable(Type.String()),
      answered_at: Nullable(Timestamp),
      ended_at: Nullable(Timestamp),
      outcome: Nullable(Type.String()),
    }),
  ),
  lead: Nullable(LeadSchema),
});

const response = { 200: ConsoleSchema, ...errorResponses };

/** The agent console's dialer (docs/dialer.md, "The agent console"): the agent is the actor. */
export function dialerConsoleRoutes(app: App, { callControl }: Services): void {
  const console = callControl.dialerConsole;
  app.get(
    '/api/me/dialer',
    {
      config: agentOnly,
      schema: { tags, summary: 'My dialer session, its campaign, my current call and its lead', response },
    },
    async (req) => console.state(actorOf(req)),
  );
  app.post(
    '/api/me/dialer/join',
    {
      config: agentOnly,
      schema: {
        tags,
        summary:
          'Join a dialer campaign: my phone is called once and stays connected; customers are put through as they answer',
        body: Type.Object({ campaign_id: Id }, { additionalProperties: false }),
        response,
      },
    },
    async (req) => console.join(actorOf(req), req.body.campaign_id),
  );
  app.post(
    '/api/me/dialer/leave',
    {
      config: agentOnly,
      schema: { tags, summary: 'Leave the campaign: my phone is hung up', response },
    },
    async (req) => console.leave(actorOf(req)),
  );
  app.post(
    '/api/me/dialer/disposition',
    {
      config: agentOnly,
      schema: {
        tags,
        summary:
          "Set the disposition of my last call (one of the campaign's); dnc adds the number to the do-not-call list; " +
          'callback with callback_at dials the lead again then',
        body: Type.Object(
          {
            call_id: Id,
            disposition: Type.String({ minLength: 1, maxLength: 40 }),
            callback_at: Type.Optional(Type.String({ format: 'date-time' })),
          },
          { additionalProperties: false },
        ),
        response,
      },
    },
    async (req) => console.dispose(actorOf(req), req.body),
  );
  app.post(
    '/api/me/dialer/preview/next',
    {
      config: agentOnly,
      schema: {
        tags,
        summary: 'Preview mode: show me the next lead (held for me until I dial or skip it)',
        response,
      },
    },
    async (req) => console.previewNext(actorOf(req)),
  );
  const LeadBody = Type.Object({ lead_id: Id }, { additionalProperties: false });
  app.post(
    '/api/me/dialer/preview/dial',
    {
      config: agentOnly,
      schema: { tags, summary: 'Preview mode: dial the lead held for me', body: LeadBody, response },
    },
    async (req) => console.previewDial(actorOf(req), req.body.lead_id),
  );
  app.post(
    '/api/me/dialer/preview/skip',
    {
      config: agentOnly,
      schema: {
        tags,
        summary: 'Preview mode: skip the lead held for me (it goes back, its attempt not counted)',
        body: LeadBody,
        response,
      },
    },
    async (req) => console.previewSkip(actorOf(req), req.body.lead_id),
  );
}
