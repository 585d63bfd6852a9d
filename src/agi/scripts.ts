import type { CallEndService } from '../calls/call-end.service.js';
import type { RouteDecision } from '../routing/decisions.js';
import type { RoutingService } from '../routing/routing.service.js';
import { setVariable, setVariables, type AgiRequest } from './protocol.js';
import type { AgiHandler } from './server.js';
import type { AgiSession } from './session.js';

/**
 * The channel variables the generated dialplan reads after each request:
 *   CC_STATUS  dial | reject | error
 *   CC_DIAL    PJSIP/<endpoint>      (dial)
 *   CC_TIMEOUT seconds for Dial()    (dial)
 *   CC_ATTEMPT 1, 2, …               (dial)
 *   CC_REASON  why not               (reject, error)
 */
async function answer(session: AgiSession, d: RouteDecision): Promise<void> {
  // One command: CC_STATUS last, so a dialplan never sees a status without its values.
  await session.command(
    d.action === 'dial'
      ? setVariables({ CC_DIAL: d.dial, CC_TIMEOUT: d.timeout, CC_ATTEMPT: d.attempt, CC_STATUS: 'dial' })
      : setVariables({ CC_REASON: d.reason, CC_STATUS: 'reject' }),
  );
}

/** A value from the query string, else positional argument `n` (1-based), else undefined. */
function param(req: AgiRequest, name: string, n?: number): string | undefined {
  const q = req.query.get(name);
  if (q !== null && q !== '') return q;
  const a = n === undefined ? undefined : req.args[n - 1];
  return a === undefined || a === '' ? undefined : a;
}

function int(v: string | undefined): number | undefined {
  if (v === undefined || !/^\d+(\.\d+)?$/.test(v.trim())) return undefined;
  return Math.round(Number(v));
}

/** Tells the dialplan CapConduit could not decide, so it takes its configured fallback. */
async function answerError(session: AgiSession, reason: string): Promise<void> {
  await session.command(setVariable('CC_REASON', reason)).catch(() => undefined);
  await session.command(setVariable('CC_STATUS', 'error')).catch(() => undefined);
}

export function createAgiHandlers(deps: {
  routing: RoutingService;
  callEnd: CallEndService;
  pbxName?: (session: AgiSession) => string;
}): Record<string, AgiHandler> {
  const pbx = deps.pbxName ?? ((s: AgiSession) => s.remoteAddress);

  /** Decides, then tells the dialplan; a decision the PBX never received is undone at once. */
  async function deliver(
    session: AgiSession,
    uniqueid: string,
    decide: () => Promise<RouteDecision>,
  ): Promise<void> {
    const decision = await decide().catch(async (err: unknown) => {
      await answerError(session, 'routing_unavailable');
      throw err;
    });
    try {
      await answer(session, decision);
    } catch (err) {
      // Asterisk never learnt the target, so it will not dial it: give the slot back now.
      if (decision.action === 'dial') await deps.routing.abandon(uniqueid);
      throw err;
    }
  }

  /** agi://host:4573/route?did=${EXTEN} — first routing decision of an inbound call. */
  const route: AgiHandler = async (session, req) => {
    const uniqueid = req.env.uniqueid;
    const did = param(req, 'did', 1) ?? req.env.extension ?? req.env.dnid;
    if (!uniqueid || !did) return answerError(session, 'missing_uniqueid_or_did');
    const callerId = req.env.callerid && req.env.callerid !== 'unknown' ? req.env.callerid : undefined;
    await deliver(session, uniqueid, () =>
      deps.routing.route({ uniqueid, did, callerId, pbx: pbx(session) }),
    );
  };

  /** agi://host:4573/next?status=${DIALSTATUS} — after a failed Dial, the next candidate. */
  const next: AgiHandler = async (session, req) => {
    const uniqueid = req.env.uniqueid;
    const status = param(req, 'status', 1);
    if (!uniqueid || !status) return answerError(session, 'missing_uniqueid_or_status');
    await deliver(session, uniqueid, () => deps.routing.next(uniqueid, status));
  };

  /**
   * agi://host:4573/hangup,${DIALSTATUS},${ANSWEREDTIME},${CDR(billsec)},${CDR(duration)},${HANGUPCAUSE}
   * — from the hangup handler (a dead channel): the call is logged and billed once, then
   * CC_LOGGED=1 is set.
   */
  const hangup: AgiHandler = async (session, req) => {
    const uniqueid = req.env.uniqueid;
    if (!uniqueid) return;
    const answered = int(param(req, 'answeredtime', 2));
    await deps.callEnd.finish({
      uniqueid,
      dialStatus: param(req, 'dialstatus', 1) ?? '',
      billsec: answered ?? int(param(req, 'billsec', 3)),
      duration: int(param(req, 'duration', 4)),
      hangupCause: int(param(req, 'cause', 5)),
      did: req.env.dnid && req.env.dnid !== 'unknown' ? req.env.dnid : req.env.extension,
      callerId: req.env.callerid && req.env.callerid !== 'unknown' ? req.env.callerid : undefined,
      source: 'agi',
      pbx: pbx(session),
    });
    // Tells the dialplan this node logged the call, so it does not try the next node.
    await session.command(setVariable('CC_LOGGED', '1'));
  };

  return { route, next, hangup };
}
