import type { CallerIdService } from '../callerid/callerid.service.js';
import { AppError } from '../shared/errors.js';
import { cleanText } from '../shared/phone.js';
import { setVariables, type AgiRequest } from './protocol.js';
import type { AgiHandler } from './server.js';

/** A script argument as text the database can hold: control characters (NUL …) left out. */
const arg = (req: AgiRequest, name: string, n: number): string | undefined => {
  const q = req.query.get(name);
  const v = cleanText(q !== null && q !== '' ? q : (req.args[n - 1] ?? ''), 200);
  return v === '' ? undefined : v;
};

/**
 * Outbound caller ID over FastAGI (dialplan: see `capconduit asterisk-config`):
 *   cid?to=…&campaign=…&agent=…  sets CALLERID(num), CC_CID (the number) and CC_CID_RESERVATION,
 *                                or CC_CID_STATUS=none with CC_CID_REASON (HTTP's reason: all_reserved,
 *                                pool_empty …) so the dialplan keeps its own
 *   cid-end,<reservation>,${DIALSTATUS},${ANSWEREDTIME}  reports how the call ended
 */
export function createCallerIdAgiHandlers(deps: { callerId: CallerIdService }): Record<string, AgiHandler> {
  const cid: AgiHandler = async (session, req) => {
    try {
      const a = await deps.callerId.next({
        to: arg(req, 'to', 1),
        campaign: arg(req, 'campaign', 2),
        agent: arg(req, 'agent', 3),
      });
      await session.command(
        setVariables({
          'CALLERID(num)': a.caller_id,
          CC_CID: a.caller_id,
          CC_CID_RESERVATION: a.reservation_id,
          CC_CID_STATUS: 'ok',
        }),
      );
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      // No number (or a bad request): the call goes out with the dialplan's own caller ID. The
      // reason is HTTP's: pool_empty, all_reserved, all_in_cooldown, all_at_limit, or the error code.
      const { reason } = (err.details ?? {}) as { reason?: unknown };
      await session.command(
        setVariables({
          CC_CID_REASON: typeof reason === 'string' ? reason : err.code,
          CC_CID_STATUS: 'none',
        }),
      );
    }
  };

  const cidEnd: AgiHandler = async (_session, req) => {
    const reservation = Number(arg(req, 'reservation', 1));
    if (!Number.isSafeInteger(reservation) || reservation <= 0) return; // as every id (http/schemas Id)
    const status = (arg(req, 'dialstatus', 2) ?? '').toUpperCase();
    const seconds = Number(arg(req, 'answeredtime', 3) ?? 0);
    // Anything but a plain count of seconds (1e400, -3, 'abc') counts as not answered for long.
    const billsec = Number.isFinite(seconds) ? Math.min(864_000, Math.max(0, Math.round(seconds))) : 0;
    await deps.callerId
      .report(reservation, { answered: status === 'ANSWER', billsec })
      .catch((err: unknown) => {
        if (!(err instanceof AppError)) throw err; // an unknown or repeated report changes nothing
      });
  };

  return { cid, 'cid-end': cidEnd };
}
