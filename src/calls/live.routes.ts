import { Type } from 'typebox';
import type { AgentFeedEvent, FeedCall } from '../agents/agent-feed.service.js';
import { AgentSchema } from '../agents/agents.schemas.js';
import { AgentCallSchema } from '../callcontrol/callcontrol.schemas.js';
import { actorOf, requestToken } from '../http/auth.plugin.js';
import { errorResponses, Nullable, pickBySchema, StringEnum, Timestamp } from '../http/schemas.js';
import { createStreamSessions } from '../http/stream-sessions.js';
import type { App } from '../http/types.js';
import type { Services } from '../services.js';
import type { LiveSnapshot } from './live.service.js';

const LiveCall = Type.Object({
  id: Type.Integer(),
  uniqueid: Type.String(),
  status: StringEnum(['dialing', 'rejected', 'exhausted'], {
    description: 'dialing a buyer; rejected or exhausted: the caller hears the reject treatment',
  }),
  did: Nullable(Type.String()),
  caller_id: Nullable(Type.String()),
  campaign_id: Nullable(Type.Integer()),
  campaign_name: Nullable(Type.String()),
  seller_id: Nullable(Type.Integer()),
  client_id: Nullable(Type.Integer()),
  client_name: Nullable(Type.String()),
  attempt: Type.Integer({
    description: 'How many buyers have been tried, the current one included (0 = none)',
  }),
  started_at: Timestamp,
  pbx: Nullable(Type.String()),
});

const Snapshot = Type.Object({ at: Timestamp, calls: Type.Array(LiveCall) });

const tags = ['calls'];
const access = { access: ['admin', 'staff', 'seller'] as const };
/** Sellers get live calls, agents their own status and calls, admin and staff both. */
const streamAccess = { access: ['admin', 'staff', 'seller', 'agent'] as const };
/** Keeps proxies and browsers from closing a quiet stream. */
const HEARTBEAT_MS = 15_000;

const sse = (name: string, data: unknown) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;

const event = (s: LiveSnapshot) => sse('live', { at: s.at.toISOString(), calls: s.calls });

const agent = (a: unknown) => pickBySchema(AgentSchema, a);
const agentCall = (c: unknown) => pickBySchema(AgentCallSchema, c);

/** An agent feed event as the stream carries it: the fields the API's schemas show, no more. */
function agentEvent(e: AgentFeedEvent<FeedCall>): string {
  const at = e.at.toISOString();
  switch (e.type) {
    case 'agents':
      return sse('agents', { at, agents: e.agents.map(agent), calls: e.calls.map(agentCall) });
    case 'agent_status':
      return sse('agent_status', { at, agent: agent(e.agent) });
    case 'agent_call':
      return sse('agent_call', { at, call: agentCall(e.call) });
    case 'agent_removed':
      return sse('agent_removed', { at, id: e.id });
  }
}

const STREAM_SUMMARY = [
  'Server-sent events. Admin, staff and sellers: a `live` event with the same snapshot as',
  '/api/calls/live (a seller their own calls), then one per change. Admin, staff and agents:',
  'an `agents` event with the agents and calls in progress they may see ({at, agents, calls}; an',
  'agent: their own), then `agent_status` ({at, agent}: as GET /api/agents/{id}),',
  '`agent_call` ({at, call}: as GET /api/agent-calls/{id}) and `agent_removed` ({at, id}) as',
  'they change. Sellers get no agent events, agents no live calls; `events` narrows the stream to one feed.',
].join(' ');

export function liveCallsRoutes(app: App, { liveCalls, agentFeed, auth }: Services): void {
  const open = new Set<() => void>();
  const sessions = createStreamSessions({ auth, log: app.log });
  app.addHook('preClose', async () => {
    for (const close of open) close();
    liveCalls.stop();
    await agentFeed.stop();
  });

  app.get(
    '/api/calls/live',
    {
      config: access,
      schema: {
        tags,
        summary: 'Calls Asterisk is handling now (a seller sees their own)',
        response: { 200: Snapshot, ...errorResponses },
      },
    },
    async (req) => liveCalls.list(actorOf(req)),
  );

  app.get(
    '/api/calls/live/stream',
    {
      // No automatic HEAD twin: it would subscribe and hijack like GET, and Node holds a HEAD
      // response's headers back until the end, which a stream never reaches (the client waited
      // forever while the subscription stayed open). HEAD is 404 here.
      exposeHeadRoute: false,
      config: streamAccess,
      schema: {
        tags,
        summary: STREAM_SUMMARY,
        querystring: Type.Object({
          events: Type.Optional(
            StringEnum(['all', 'live', 'agents'], {
              description:
                'Which feeds to carry: live calls only, agent events only, or all the role may see (default)',
            }),
          ),
        }),
        produces: ['text/event-stream'],
        response: { 200: Type.String({ description: 'text/event-stream' }), ...errorResponses },
      },
    },
    async (req, reply) => {
      const actor = actorOf(req);
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
        'x-request-id': req.id,
      });
      res.write('retry: 3000\n\n');
      const heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
      const unsubscribe: (() => void)[] = [];
      const close = () => {
        clearInterval(heartbeat);
        for (const u of unsubscribe.splice(0)) u();
        open.delete(close);
        if (!res.writableEnded) res.end();
      };
      open.add(close);
      req.raw.on('close', close);
      const write = (text: string) => {
        if (!res.writableEnded) res.write(text);
      };
      const wanted = req.query.events ?? 'all';
      // Authenticated, so it sent a token: the stream ends with it (logout, revoked, expired, disabled).
      unsubscribe.push(
        sessions.watch(requestToken(req)!, actor, () => {
          write(`event: end\ndata: ${JSON.stringify({ reason: 'session_ended' })}\n\n`);
          close();
        }),
      );
      try {
        if (actor.role !== 'agent' && wanted !== 'agents')
          unsubscribe.push(await liveCalls.subscribe(actor, (s) => write(event(s))));
        if (actor.role !== 'seller' && wanted !== 'live')
          unsubscribe.push(await agentFeed.subscribe(actor, (e) => write(agentEvent(e))));
        if (res.writableEnded) close();
      } catch (err) {
        req.log.error({ err }, 'live stream failed');
        close();
      }
    },
  );
}
