import type { CallEndService } from '../calls/call-end.service.js';
import type { CallRef, RouteDecision } from '../routing/decisions.js';
import type { RoutingService } from '../routing/routing.service.js';
import { cleanText } from '../shared/phone.js';
import { setVariable, setVariables, type AgiRequest } from './protocol.js';
import type { AgiHandler } from './server.js';
import type { AgiSession } from './session.js';

/**
 * The channel variables the generated dialplan reads after each request (docs/asterisk.md):
 *   CC_STATUS  dial | reject | error
 *   CC_CALL    CapConduit's call id         (passed back on every later request)
 *   CC_ATTEMPT the attempt to dial          (dial; passed back, so a repeated request is recognised)
 *   CC_DIAL    PJSIP/<endpoint>, CC_TIMEOUT seconds for Dial(), CC_MAXSEC the call's longest life (dial)
 *   CC_RECORDING the file MixMonitor records the call to (dial; only when the campaign records calls)
 *   CC_REASON  why not                      (reject, error)
 */
async function answer(session: AgiSession, d: RouteDecision): Promise<void> {
  // One command: CC_STATUS last, so a dialplan never sees a status without its values.
  await session.command(
    d.action === 'dial'
      ? setVariables({
          CC_CALL: d.callId,
          CC_ATTEMPT: d.attemptId,
          CC_DIAL: d.dial,
          CC_TIMEOUT: d.timeout,
          CC_MAXSEC: d.maxSeconds,
          ...(d.recording === undefined ? {} : { CC_RECORDING: d.recording }),
          // A node asked before may have left its reason; this call has a decision now.
          CC_REASON: '',
          CC_STATUS: 'dial',
        })
      : setVariables({
          ...(d.callId === undefined ? {} : { CC_CALL: d.callId }),
          CC_REASON: d.reason,
          CC_STATUS: 'reject',
        }),
  );
}

/** A query parameter: undefined when absent, '' when present and empty. */
function query(req: AgiRequest, name: string): string | undefined {
  const q = req.query.get(name);
  return q === null ? undefined : cleanText(q, 150);
}

/** A value from the query string, else positional argument `n` (1-based), else undefined. */
function param(req: AgiRequest, name: string, n?: number): string | undefined {
  const q = query(req, name);
  if (q !== undefined && q !== '') return q;
  const a = n === undefined ? undefined : req.args[n - 1];
  const v = a === undefined ? '' : cleanText(a, 150);
  return v === '' ? undefined : v;
}

/** A whole number of seconds from the PBX, or undefined for anything else ('', '1e+40', 'abc'). */
function int(v: string | undefined): number | undefined {
  if (v === undefined || !/^\d{1,9}(\.\d+)?$/.test(v.trim())) return undefined;
  return Math.round(Number(v));
}

/** An id the dialplan passed back: a number, null when it passed an empty value, undefined when it passed none. */
function id(req: AgiRequest, name: string): number | null | undefined {
  const v = query(req, name);
  if (v === undefined) return undefined;
  return /^\d{1,15}$/.test(v) ? Number(v) : null;
}

const PBX_NAME = /^[A-Za-z0-9_.-]{1,40}$/;

/** Tells the dialplan the request itself is unusable (any node would say so): it takes its fallback. */
async function answerError(session: AgiSession, reason: string): Promise<void> {
  await session.command(setVariable('CC_REASON', reason)).catch(() => undefined);
  await session.command(setVariable('CC_STATUS', 'error')).catch(() => undefined);
}

/**
 * Tells the dialplan this node could not decide (its database is away, say) without setting
 * CC_STATUS, so the dialplan asks the next node, and takes its fallback only when none can.
 */
async function answerUnavailable(session: AgiSession, reason: string): Promise<void> {
  await session.command(setVariable('CC_REASON', reason)).catch(() => undefined);
}

export function createAgiHandlers(deps: {
  routing: RoutingService;
  callEnd: CallEndService;
}): Record<string, AgiHandler> {
  /**
   * The call a request is about. The generated dialplan names its PBX (`pbx=`); a dialplan that
   * does not is identified by its address, which two PBXs on one host would share.
   */
  function callOf(session: AgiSession, req: AgiRequest): CallRef | string {
    const uniqueid = cleanText(req.env.uniqueid ?? '', 150);
    if (!uniqueid) return 'missing_uniqueid';
    const pbx = query(req, 'pbx') || session.remoteAddress;
    if (!PBX_NAME.test(pbx) && pbx !== session.remoteAddress) return 'bad_pbx_name';
    const call = id(req, 'call');
    return { pbx, uniqueid, ...(typeof call === 'number' ? { callId: call } : {}) };
  }

  /**
   * Decides, then tells the dialplan. A decision the PBX may not have received is left as it is:
   * the dialplan asks another node, which answers the same decision, and the hangup says what was
   * dialled (an attempt never received is settled then as not dialled).
   */
  async function deliver(session: AgiSession, decide: () => Promise<RouteDecision>): Promise<void> {
    const decision = await decide().catch(async (err: unknown) => {
      await answerUnavailable(session, 'routing_unavailable');
      throw err;
    });
    await answer(session, decision);
  }

  /** agi://host:4573/route?pbx=NAME&did=${CC_DID} — the first routing decision of an inbound call. */
  const route: AgiHandler = async (session, req) => {
    const call = callOf(session, req);
    const did = param(req, 'did', 1) ?? req.env.extension ?? req.env.dnid;
    if (typeof call === 'string') return answerError(session, call);
    if (!did) return answerError(session, 'missing_did');
    const callerId = req.env.callerid && req.env.callerid !== 'unknown' ? req.env.callerid : undefined;
    await deliver(session, () => deps.routing.route({ ...call, did: cleanText(did, 64), callerId }));
  };

  /** agi://host:4573/next?pbx=NAME&call=${CC_CALL}&attempt=${CC_ATTEMPT}&status=${DIALSTATUS} — after a failed Dial. */
  const next: AgiHandler = async (session, req) => {
    const call = callOf(session, req);
    const status = param(req, 'status', 1);
    if (typeof call === 'string') return answerError(session, call);
    if (!status) return answerError(session, 'missing_status');
    const attemptId = id(req, 'attempt');
    await deliver(session, () => deps.routing.next({ ...call, attemptId, status }));
  };

  /**
   * agi://host:4573/hangup?pbx=NAME&call=${CC_CALL}&attempt=${CC_ATTEMPT}&did=…&fallback=…&reason=…,${DIALSTATUS},${ANSWEREDTIME},${CDR(billsec)},${CDR(duration)},${HANGUPCAUSE}
   * — from the hangup handler (a dead channel): the call is logged and billed once (or journaled
   * while PostgreSQL is away), then CC_LOGGED=1 is set. Figures the PBX garbles are left out; the
   * call is still logged.
   */
  const hangup: AgiHandler = async (session, req) => {
    const call = callOf(session, req);
    if (typeof call === 'string') return;
    const answered = int(param(req, 'answeredtime', 2));
    const did =
      query(req, 'did') || (req.env.dnid && req.env.dnid !== 'unknown' ? req.env.dnid : req.env.extension);
    await deps.callEnd.record({
      ...call,
      attemptId: id(req, 'attempt'),
      dialStatus: param(req, 'dialstatus', 1) ?? '',
      billsec: answered ?? int(param(req, 'billsec', 3)),
      duration: int(param(req, 'duration', 4)),
      hangupCause: int(param(req, 'cause', 5)),
      fallback: (query(req, 'fallback') ?? '') !== '',
      reason: query(req, 'reason') || undefined,
      did,
      callerId: req.env.callerid && req.env.callerid !== 'unknown' ? req.env.callerid : undefined,
      source: 'agi',
    });
    // Tells the dialplan this node has the call end, so it does not try the next node.
    await session.command(setVariable('CC_LOGGED', '1'));
  };

  return { route, next, hangup };
}
