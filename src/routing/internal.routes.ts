import { Type } from 'typebox';
import { errorResponses, Id, Nullable, Strict, StringEnum } from '../http/schemas.js';
import type { App } from '../http/types.js';
import type { Services } from '../services.js';
import { badRequest } from '../shared/errors.js';
import type { RouteDecision } from './decisions.js';

const Decision = Type.Object({
  status: StringEnum(['dial', 'reject']),
  call_id: Nullable(
    Type.Integer({ description: "CapConduit's id of the call: pass it back on later requests" }),
  ),
  attempt_id: Nullable(
    Type.Integer({
      description:
        'The attempt to dial: pass it back with the dial status after a failed dial, and at hangup',
    }),
  ),
  dial: Nullable(Type.String({ description: 'Dial string, e.g. PJSIP/northwind' })),
  timeout: Nullable(Type.Integer({ description: 'Seconds for Dial()' })),
  max_seconds: Nullable(
    Type.Integer({ description: 'Longest the call may last; end it then (e.g. TIMEOUT(absolute))' }),
  ),
  link_id: Nullable(Type.Integer()),
  client_id: Nullable(Type.Integer()),
  reason: Nullable(Type.String({ description: 'Why the call is rejected' })),
  recording: Nullable(
    Type.String({
      description:
        "The campaign records its calls: record the call to this file name in Asterisk's recording spool (e.g. MixMonitor(${ASTSPOOLDIR}/recording/<name>.wav,b)) before dialling",
    }),
  ),
});

const toJson = (d: RouteDecision) =>
  d.action === 'dial'
    ? {
        status: 'dial' as const,
        call_id: d.callId,
        attempt_id: d.attemptId,
        dial: d.dial,
        timeout: d.timeout,
        max_seconds: d.maxSeconds,
        link_id: d.linkId,
        client_id: d.clientId,
        reason: null,
        recording: d.recording ?? null,
      }
    : {
        status: 'reject' as const,
        call_id: d.callId ?? null,
        attempt_id: null,
        dial: null,
        timeout: null,
        max_seconds: null,
        link_id: null,
        client_id: null,
        reason: d.reason,
        recording: null,
      };

const Seconds = Type.Integer({ minimum: 0, maximum: 864_000 });
const Pbx = Type.String({
  pattern: '^[A-Za-z0-9_.-]{1,40}$',
  description:
    'The PBX carrying the call (as named in its generated dialplan); default: the address it calls from',
});
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
          pbx: Type.Optional(Pbx),
          call_id: Type.Optional(Id),
          attempt_id: Type.Optional(Id),
          did: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
          caller_id: Type.Optional(Type.String({ maxLength: 80 })),
          dial_status: Type.Optional(Type.String({ maxLength: 20 })),
        }),
        response: { 200: Decision, ...errorResponses },
      },
    },
    async (req) => {
      const q = req.query;
      const call = { pbx: q.pbx ?? req.ip, uniqueid: q.uniqueid, callId: q.call_id };
      if (q.dial_status !== undefined) {
        return toJson(await routing.next({ ...call, attemptId: q.attempt_id, status: q.dial_status }));
      }
      if (q.did === undefined) throw badRequest('did is required for the first request of a call');
      return toJson(await routing.route({ ...call, did: q.did, callerId: q.caller_id }));
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
          pbx: Type.Optional(Pbx),
          call_id: Type.Optional(Id),
          attempt_id: Type.Optional(
            Type.Union([Id, Type.Null()], {
              description:
                'The attempt the PBX dialled last; null when it received none (it took its fallback)',
            }),
          ),
          fallback: Type.Optional(
            Type.Boolean({ description: 'The PBX took its fallback: dial_status is not an attempt’s' }),
          ),
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
            status: StringEnum(['logged', 'duplicate', 'journaled'], {
              description:
                'journaled: the database is away; the call end is kept on disk and written when it is back',
            }),
            call_id: Nullable(Type.Integer()),
          }),
          ...errorResponses,
        },
      },
    },
    async (req) => {
      const b = req.body;
      const r = await callEnd.record({
        pbx: b.pbx ?? req.ip,
        uniqueid: b.uniqueid,
        callId: b.call_id,
        attemptId: b.attempt_id,
        fallback: b.fallback,
        dialStatus: b.dial_status ?? '',
        billsec: b.answered_time ?? b.billsec,
        duration: b.duration,
        hangupCause: b.hangup_cause,
        did: b.did,
        callerId: b.caller_id,
        source: 'http',
      });
      return { status: r.status, call_id: r.callId ?? null };
    },
  );
}
