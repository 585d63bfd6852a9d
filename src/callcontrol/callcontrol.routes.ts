import { pipeline } from 'node:stream/promises';
import { Type } from 'typebox';
import { actorOf } from '../http/auth.plugin.js';
import {
  ErrorResponse,
  errorResponses,
  Id,
  IdParams,
  Nullable,
  PageOf,
  PageQuery,
  Strict,
  StringEnum,
  Timestamp,
} from '../http/schemas.js';
import type { App } from '../http/types.js';
import type { Services } from '../services.js';

const tags = ['agent calls'];
const callers = { access: ['admin', 'staff', 'agent'] as const };
const withGateway = { ...errorResponses, 502: ErrorResponse, 503: ErrorResponse };

const Leg = Type.Object({
  id: Type.Integer(),
  role: StringEnum(['agent', 'customer', 'consult', 'transfer']),
  endpoint: Type.String(),
  channel_id: Type.String(),
  state: StringEnum(['dialing', 'up', 'gone']),
  held: Type.Boolean(),
  muted: Type.Boolean(),
  started_at: Timestamp,
  answered_at: Nullable(Timestamp),
});

const Recording = Type.Object({
  id: Type.Integer(),
  call_id: Type.Integer(),
  name: Type.String(),
  format: Type.String(),
  state: StringEnum(['recording', 'done', 'failed', 'deleted']),
  started_at: Timestamp,
  ended_at: Nullable(Timestamp),
  duration: Nullable(
    Type.Integer({
      description:
        "Seconds: as Asterisk reported them (a bridge recording), or the call's answered time (an inbound call's MixMonitor)",
    }),
  ),
  error: Nullable(Type.String()),
});

const callFields = {
  id: Type.Integer(),
  state: StringEnum(['agent_ringing', 'customer_dialing', 'connected', 'ended', 'expired'], {
    description:
      "agent_ringing: the agent's phone rings; customer_dialing: the customer's; connected: they talk",
  }),
  agent_id: Type.Integer({ description: 'The user who makes the call' }),
  server_id: Nullable(Type.Integer()),
  pbx: Type.String(),
  did: Nullable(Type.String({ description: "The customer's number (E.164)" })),
  caller_id: Nullable(Type.String({ description: 'The rotated caller ID the customer saw' })),
  started_at: Timestamp,
  answered_at: Nullable(Timestamp),
  ended_at: Nullable(Timestamp),
  billsec: Type.Integer(),
  dial_status: Nullable(Type.String()),
  hangup_by: Nullable(StringEnum(['agent', 'customer', 'system'])),
  end_cause: Nullable(Type.String()),
};
const AgentCall = Type.Object({ ...callFields, legs: Type.Array(Leg), recordings: Type.Array(Recording) });
const AgentCallRow = Type.Object({
  ...callFields,
  agent_extension: Nullable(Type.String()),
  agent_name: Type.String(),
});

const On = Strict({ on: Type.Boolean() });
const Target = Type.String({
  minLength: 2,
  maxLength: 32,
  description: "An agent's extension, or a phone number dialled through the server's outbound trunk",
});

/**
 * Call control for agents: click-to-call, in-call actions, transfers and recordings. An agent
 * acts on their own calls (another agent's is a 404); admin and staff on any. An ARI failure is
 * a 502 with what Asterisk said, never a hung request.
 */
export function callControlRoutes(app: App, { callControl }: Services): void {
  const { actions, transfers, recordings } = callControl;
  const action = (
    path: string,
    summary: string,
    body: ReturnType<typeof Strict> | undefined,
    run: (actor: ReturnType<typeof actorOf>, id: number, body: never) => Promise<unknown>,
  ) =>
    app.post(
      `/api/agent-calls/:id/${path}`,
      {
        config: callers,
        schema: {
          tags,
          summary,
          params: IdParams,
          ...(body ? { body } : {}),
          response: { 200: AgentCall, ...withGateway },
        },
      },
      async (req) => {
        const actor = actorOf(req);
        await run(actor, req.params.id, req.body as never);
        return actions.get(actor, req.params.id);
      },
    );

  app.post(
    '/api/agent-calls',
    {
      config: callers,
      schema: {
        tags,
        summary:
          "Click-to-call: the agent's phone rings, then the number is dialled with a rotated caller ID and both are bridged",
        body: Strict({
          number: Type.String({ minLength: 3, maxLength: 32, examples: ['+12125550151', '(212) 555-0151'] }),
          agent_id: Type.Optional(Id),
        }),
        response: { 201: AgentCall, ...withGateway, 429: ErrorResponse },
      },
    },
    async (req, reply) => reply.status(201).send(await actions.dial(actorOf(req), req.body)),
  );

  app.get(
    '/api/agent-calls',
    {
      config: callers,
      schema: {
        tags,
        summary: 'Agent calls, newest first (an agent sees their own)',
        querystring: Type.Object({
          ...PageQuery,
          agent_id: Type.Optional(Id),
          open: Type.Optional(Type.Boolean({ description: 'true: calls in progress; false: ended ones' })),
        }),
        response: { 200: PageOf(AgentCallRow), ...errorResponses },
      },
    },
    async (req) => {
      const { limit, offset, ...filter } = req.query;
      return actions.list(actorOf(req), filter, { limit, offset });
    },
  );

  app.get(
    '/api/agent-calls/:id',
    {
      config: callers,
      schema: {
        tags,
        summary: 'One call with its legs and recordings',
        params: IdParams,
        response: { 200: AgentCall, ...errorResponses },
      },
    },
    async (req) => actions.get(actorOf(req), req.params.id),
  );

  action('hangup', 'Hang up the call (every leg)', undefined, (actor, id) => actions.hangup(actor, id));
  action('hold', 'Hold (music for the customer) or take off hold', On, (actor, id, b: { on: boolean }) =>
    actions.hold(actor, id, b.on),
  );
  action('mute', "Mute or unmute the agent's microphone", On, (actor, id, b: { on: boolean }) =>
    actions.mute(actor, id, b.on),
  );
  action(
    'dtmf',
    'Send DTMF digits to the customer',
    Strict({ digits: Type.String({ pattern: '^[0-9A-D*#]{1,32}$' }) }),
    (actor, id, b: { digits: string }) => actions.dtmf(actor, id, b.digits),
  );
  action(
    'transfer',
    'Transfer: blind (the agent leaves at once) or attended (a consult call first, then complete or cancel)',
    Strict({ to: Target, mode: StringEnum(['blind', 'attended']) }),
    (actor, id, b: { to: string; mode: 'blind' | 'attended' }) =>
      b.mode === 'blind'
        ? transfers.blind(actor, id, { to: b.to })
        : transfers.consult(actor, id, { to: b.to }),
  );
  action(
    'transfer/complete',
    'Complete an attended transfer: the target joins the customer, the agent leaves',
    undefined,
    (actor, id) => transfers.complete(actor, id),
  );
  action(
    'transfer/cancel',
    'Cancel an attended transfer: the target is hung up, the agent returns to the customer',
    undefined,
    (actor, id) => transfers.cancel(actor, id),
  );
  action('recording/start', 'Start recording the call', undefined, (actor, id) =>
    recordings.start(actor, id),
  );
  action('recording/stop', 'Stop recording the call', undefined, (actor, id) => recordings.stop(actor, id));

  app.get(
    '/api/calls/:id/recordings',
    {
      config: { access: ['admin', 'staff', 'seller', 'agent'] as const },
      schema: {
        tags,
        summary: 'Recordings of a call (checked like the call: an agent their own, a seller theirs)',
        params: IdParams,
        response: { 200: Type.Object({ items: Type.Array(Recording) }), ...errorResponses },
      },
    },
    async (req) => ({ items: await recordings.list(actorOf(req), req.params.id) }),
  );

  app.get(
    '/api/recordings/:id/file',
    {
      config: { access: ['admin', 'staff', 'seller', 'agent'] as const },
      schema: {
        tags,
        summary: "A recording's audio, streamed from its Asterisk server",
        params: IdParams,
        produces: ['audio/wav', 'application/octet-stream'],
        response: { 200: Type.String({ description: 'the audio file' }), ...withGateway },
      },
    },
    async (req, reply) => {
      const { recording, file } = await recordings.download(actorOf(req), req.params.id);
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': file.contentType ?? 'application/octet-stream',
        ...(file.contentLength !== undefined ? { 'content-length': String(file.contentLength) } : {}),
        'content-disposition': `attachment; filename="${recording.name}.${recording.format}"`,
        'cache-control': 'private, no-store',
        'x-request-id': req.id,
      });
      await pipeline(file.toNodeStream(), res).catch((err: unknown) =>
        req.log.warn({ err, recording: recording.id }, 'recording download cut short'),
      );
    },
  );
}
