import { Type } from 'typebox';
import { errorResponses, Nullable, Strict, StringEnum } from '../http/schemas.js';
import type { App } from '../http/types.js';
import type { Services } from '../services.js';
import type { RouteDecision } from './decisions.js';

const Decision = Type.Object({
  status: StringEnum(['dial', 'reject']),
  dial: Nullable(Type.String({ description: 'Dial string, e.g. PJSIP/northwind' })),
  timeout: Nullable(Type.Integer({ description: 'Seconds for Dial()' })),
  attempt: Nullable(Type.Integer()),
  link_id: Nullable(Type.Integer()),
  client_id: Nullable(Type.Integer()),
  reason: Nullable(Type.String({ description: 'Why the call is rejected' })),
});

const toJson = (d: RouteDecision) =>
  d.action === 'dial'
    ? {
        status: 'dial' as const,
        dial: d.dial,
        timeout: d.timeout,
        attempt: d.attempt,
        link_id: d.linkId,
        client_id: d.clientId,
        reason: null,
      }
    : {
        status: 'reject' as const,
        dial: null,
        timeout: null,
        attempt: null,
        link_id: null,
        client_id: null,
        reason: d.reason,
      };

const Seconds = Type.Integer({ minimum: 0, maximum: 864_000 });
const tags = ['internal (PBX)'];
const internal = { access: 'internal' as const };
const security = [{ internal: [] }];

/** The FastAGI operations over HTTP, for PBXs that call curl from AGI scripts (seeds 000–002). */
export function internalRoutes(app: App, { routing, callEnd }: Services): void {
  app.get(
    '/api/internal/route_info',
    {
      config: internal,
      schema: {
        tags,
        security,
        summary: 'Route a call (first request), or after a failed dial pass dial_status for the next target',
        querystring: Type.Object({
          uniqueid: Type.String({ minLength: 1, maxLength: 150 }),
          did: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
          caller_id: Type.Optional(Type.String({ maxLength: 80 })),
          dial_status: Type.Optional(Type.String({ maxLength: 20 })),
        }),
        response: { 200: Decision, ...errorResponses },
      },
    },
    async (req) => {
      const q = req.query;
      if (q.dial_status !== undefined) return toJson(await routing.next(q.uniqueid, q.dial_status));
      if (q.did === undefined) return toJson({ action: 'reject', reason: 'unknown_did' });
      return toJson(
        await routing.route({ uniqueid: q.uniqueid, did: q.did, callerId: q.caller_id, pbx: req.ip }),
      );
    },
  );

  app.post(
    '/api/internal/log_call',
    {
      config: internal,
      schema: {
        tags,
        security,
        summary: 'Report a call that ended: logged and billed once (a repeated report changes nothing)',
        body: Strict({
          uniqueid: Type.String({ minLength: 1, maxLength: 150 }),
          dial_status: Type.Optional(Type.String({ maxLength: 20 })),
          answered_time: Type.Optional(Seconds),
          billsec: Type.Optional(Seconds),
          duration: Type.Optional(Seconds),
          hangup_cause: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
          did: Type.Optional(Type.String({ maxLength: 32 })),
          caller_id: Type.Optional(Type.String({ maxLength: 80 })),
        }),
        response: {
          200: Type.Object({
            status: StringEnum(['logged', 'duplicate']),
            call_id: Nullable(Type.Integer()),
          }),
          ...errorResponses,
        },
      },
    },
    async (req) => {
      const b = req.body;
      const r = await callEnd.finish({
        uniqueid: b.uniqueid,
        dialStatus: b.dial_status ?? '',
        billsec: b.answered_time ?? b.billsec,
        duration: b.duration,
        hangupCause: b.hangup_cause,
        did: b.did,
        callerId: b.caller_id,
        source: 'http',
        pbx: req.ip,
      });
      return { status: r.status, call_id: r.callId ?? null };
    },
  );
}
