import type { CallEndReport } from '../../src/calls/call-end.service.js';
import type { RouteDecision } from '../../src/routing/decisions.js';
import type { Services } from '../../src/services.js';

/**
 * Plays one PBX's side of calls against the services, as the generated dialplan does: it keeps
 * the call id and the attempt id each answer gives and passes them back on the next request.
 */
export function callFlow(s: Services, pbx = 'test-pbx') {
  const known = new Map<string, { callId?: number; attemptId: number | null }>();
  const remember = (uniqueid: string, d: RouteDecision) => {
    const k = known.get(uniqueid) ?? { attemptId: null };
    if (d.callId !== undefined) k.callId = d.callId;
    if (d.action === 'dial') k.attemptId = d.attemptId;
    known.set(uniqueid, k);
    return d;
  };
  return {
    pbx,
    known: (uniqueid: string) => known.get(uniqueid),
    async route(uniqueid: string, did: string, callerId?: string): Promise<RouteDecision> {
      return remember(uniqueid, await s.routing.route({ pbx, uniqueid, did, callerId }));
    },
    async next(uniqueid: string, status: string): Promise<RouteDecision> {
      const k = known.get(uniqueid);
      const d = await s.routing.next({
        pbx,
        uniqueid,
        callId: k?.callId,
        attemptId: k?.attemptId ?? null,
        status,
      });
      return remember(uniqueid, d);
    },
    end(uniqueid: string, dialStatus: string, extra: Partial<CallEndReport> = {}) {
      const k = known.get(uniqueid);
      return s.callEnd.finish({
        pbx,
        uniqueid,
        callId: k?.callId,
        attemptId: k?.attemptId ?? null,
        dialStatus,
        source: 'agi',
        ...extra,
      });
    },
  };
}

/** What a decision says in one word: the dial string, or the reject reason. */
export const outcome = (d: RouteDecision) => (d.action === 'dial' ? d.dial : d.reason);
/** The reject reason, or undefined for a dial. */
export const reason = (d: RouteDecision) => (d.action === 'reject' ? d.reason : undefined);
