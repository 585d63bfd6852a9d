import { Type } from 'typebox';
import { actorOf } from '../http/auth.plugin.js';
import { errorResponses, Nullable, StringEnum, Timestamp } from '../http/schemas.js';
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
/** Keeps proxies and browsers from closing a quiet stream. */
const HEARTBEAT_MS = 15_000;

const event = (s: LiveSnapshot) =>
  `event: live\ndata: ${JSON.stringify({ at: s.at.toISOString(), calls: s.calls })}\n\n`;

export function liveCallsRoutes(app: App, { liveCalls }: Services): void {
  const open = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const close of open) close();
    liveCalls.stop();
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
      config: access,
      schema: {
        tags,
        summary:
          'Server-sent events: a `live` event with the same snapshot as /api/calls/live, then one per change',
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
      let unsubscribe: (() => void) | undefined;
      const close = () => {
        clearInterval(heartbeat);
        unsubscribe?.();
        open.delete(close);
        if (!res.writableEnded) res.end();
      };
      open.add(close);
      req.raw.on('close', close);
      try {
        unsubscribe = await liveCalls.subscribe(actor, (s) => res.write(event(s)));
        if (res.writableEnded) unsubscribe();
      } catch (err) {
        req.log.error({ err }, 'live calls stream failed');
        close();
      }
    },
  );
}
