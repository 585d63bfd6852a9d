import { randomBytes } from 'node:crypto';
import type { Db, Queryable } from '../db/db.js';
import type { Clock } from '../shared/clock.js';
import { AppError, notFound } from '../shared/errors.js';
import { sellerScope, toPage, type Actor, type Page, type PageRequest } from '../shared/types.js';
import { createPostbacksRepo, type KeyRow, type PostbackRow } from './postbacks.repo.js';
import {
  CALLER_MATCH_SLACK_SECONDS,
  decide,
  parsePostback,
  type CallRef,
  type PostbackAction,
  type PostbackRequest,
  type RefusalReason,
} from './postbacks.rules.js';
import { createRateLimiter } from './rate-limit.js';
import { signatureMatches, staleBy } from './signature.js';

/** What the buyer's CRM gets back: the call's conversion as it now stands. */
export interface PostbackResult {
  /** applied: the call changed; unchanged: it already was so (the same postback again). */
  result: 'applied' | 'unchanged';
  postback_id: number;
  call_id: number;
  action: PostbackAction;
  converted: boolean;
  payout: string;
  previous_converted: boolean;
  previous_payout: string;
}

/** Where a postback came from, for its audit row. */
export interface PostbackOrigin {
  requestId: string;
  remoteAddress: string | null;
}

/** A key as shown to admins and staff: never its secret. */
export type PostbackKey = Omit<KeyRow, 'id' | 'client_id'>;

/** Longest grace period a rotated key may keep working, so a CRM can switch without losing postbacks. */
export const MAX_GRACE_HOURS = 72;

/** A refusal of a signed postback: kept in the audit (with the call when it is the buyer's) and answered. */
class Refusal extends Error {
  constructor(
    readonly error: AppError,
    readonly callId: number | null,
  ) {
    super(error.message);
  }
}

const refuse = (reason: RefusalReason, message: string, callId: number | null, extra: object = {}) =>
  new Refusal(new AppError('conflict', message, { details: { reason, ...extra } }), callId);

const unknownCall = (how: string) =>
  new Refusal(
    new AppError('not_found', `no call of this buyer matches ${how}`, {
      details: { reason: 'unknown_call' },
    }),
    null,
  );

const unauthenticated = (message: string) => new AppError('unauthenticated', message);

function describeRef(ref: CallRef): string {
  switch (ref.by) {
    case 'call_id':
      return `call_id ${ref.callId}`;
    case 'uniqueid':
      return `uniqueid ${ref.uniqueid}`;
    case 'caller':
      return `caller ${ref.caller} at ${ref.at.toISOString()}`;
  }
}

/**
 * Buyers' postback keys (admins and staff make them; the secret is shown once), the public
 * postback that confirms or reverses a conversion, and the audit of postbacks received. The rules
 * of what a postback does are `postbacks.rules.ts#decide`; the signature `signature.ts`.
 */
export function createPostbacksService(deps: {
  db: Db;
  clock: Clock;
  defaultRegion: string;
  rate?: { burst: number; perSecond: number };
}) {
  const repo = createPostbacksRepo(deps.db);
  const limiter = createRateLimiter(deps.rate ?? { burst: 100, perSecond: 20 });

  async function client(id: number): Promise<void> {
    if (!(await repo.clientName(id))) throw notFound('client', id);
  }

  async function keys(clientId: number): Promise<{ client_id: number; keys: PostbackKey[] }> {
    await client(clientId);
    const rows = await repo.liveKeys(clientId, deps.clock.now());
    return { client_id: clientId, keys: rows.map(({ id: _i, client_id: _c, ...k }) => k) };
  }

  /**
   * A new key for the buyer, returned with its secret (shown only now). The keys in use end now,
   * or after `graceHours` so the buyer's CRM can switch to the new key meanwhile.
   */
  async function rotateKey(
    actor: Actor,
    clientId: number,
    graceHours = 0,
  ): Promise<PostbackKey & { client_id: number; secret: string }> {
    const now = deps.clock.now();
    const keyId = `pbk_${randomBytes(12).toString('base64url')}`;
    const secret = `pbsk_${randomBytes(32).toString('base64url')}`;
    const row = await deps.db.transaction(async (tx) => {
      const r = createPostbacksRepo(tx);
      if (!(await r.clientName(clientId))) throw notFound('client', clientId);
      await r.expireKeys(clientId, new Date(now.getTime() + graceHours * 3_600_000));
      return r.insertKey({ clientId, keyId, secret, createdBy: actor.id, now });
    });
    const { id: _i, ...shown } = row;
    return { ...shown, secret };
  }

  /** Every key of the buyer stops working now: its postbacks are refused until a new key is made. */
  async function revokeKeys(clientId: number): Promise<void> {
    await client(clientId);
    await repo.expireKeys(clientId, deps.clock.now());
  }

  /** The one call `ref` names among the buyer's, or a refusal saying why not. */
  async function resolve(
    r: ReturnType<typeof createPostbacksRepo>,
    ref: CallRef,
    buyer: number,
  ): Promise<number> {
    if (ref.by === 'call_id') return ref.callId;
    const ids =
      ref.by === 'uniqueid'
        ? await r.callsByUniqueid(ref.uniqueid, buyer)
        : await r.callsByCaller(buyer, ref.caller, ref.at, CALLER_MATCH_SLACK_SECONDS);
    if (ids.length === 0) throw unknownCall(describeRef(ref));
    if (ids.length > 1)
      throw refuse(
        'ambiguous_call',
        `${describeRef(ref)} matches ${ids.length === 5 ? '5 or more' : ids.length} calls of this buyer: name the call by call_id`,
        null,
        { call_ids: ids },
      );
    return ids[0]!;
  }

  function replay(nonce: string, first: { id: number; received_at: Date }): Refusal {
    return refuse(
      'nonce_used',
      `nonce ${nonce} was used before with this key (postback ${first.id}, ${first.received_at.toISOString()}): a postback is taken once; sign each new one with a new nonce`,
      null,
      { postback_id: first.id },
    );
  }

  /** The signed postback, applied in one transaction with the call locked. */
  function apply(tx: Queryable, req: PostbackRequest, key: KeyRow, origin: PostbackOrigin, now: Date) {
    return async (): Promise<PostbackResult> => {
      const r = createPostbacksRepo(tx);
      const buyer = key.client_id;
      const used = await r.usedNonce(key.id, req.nonce);
      if (used) throw replay(req.nonce, used);
      const callId = await resolve(r, req.ref, buyer);
      const call = await r.lockCall(callId, buyer);
      if (!call || !call.belongs) throw unknownCall(describeRef(req.ref));
      const d = decide(call, buyer, req.action, req.amount);
      if (d.kind === 'refuse') throw refuse(d.reason, d.message, call.id);
      const old = { billable: call.billable, payout: call.payout };
      const next = d.kind === 'apply' ? { billable: d.billable, payout: d.payout } : old;
      const postbackId = await r.insertPostback({
        ...audit(req, key, origin, now),
        callId: call.id,
        result: d.kind === 'apply' ? 'applied' : 'unchanged',
        errorCode: null,
        message: null,
        old,
        new: next,
      });
      if (postbackId === undefined) throw replay(req.nonce, (await r.usedNonce(key.id, req.nonce))!);
      if (d.kind === 'apply') {
        await r.applyChange({
          callId: call.id,
          ...next,
          event: d.billable ? 'call.conversion_confirmed' : 'call.conversion_reversed',
          postbackId,
          action: req.action,
          reason: req.reason,
          old,
          detail: `buyer postback ${postbackId} (key ${key.key_id}): ${req.action}, payout ${old.payout} → ${next.payout}${req.reason ? `; ${req.reason}` : ''}`,
          now,
        });
      }
      return {
        result: d.kind === 'apply' ? 'applied' : 'unchanged',
        postback_id: postbackId,
        call_id: call.id,
        action: req.action,
        converted: next.billable,
        payout: next.payout,
        previous_converted: old.billable,
        previous_payout: old.payout,
      };
    };
  }

  function audit(req: PostbackRequest, key: KeyRow, origin: PostbackOrigin, now: Date) {
    return {
      keyRowId: key.id,
      clientId: key.client_id,
      action: req.action,
      nonce: req.nonce,
      amount: req.amount,
      reason: req.reason,
      signedAt: new Date(req.ts * 1000),
      receivedAt: now,
      requestId: origin.requestId,
      remoteAddress: origin.remoteAddress,
      identifiedBy: req.ref.by,
    };
  }

  /**
   * A postback from a buyer's CRM: its parameters as text (query string or body). Checked in
   * this order: shape (400), rate (429), key (401), time (401), signature (401); then, signed, the
   * call (404, 409) and the change. Every signed postback is kept, refused ones too.
   */
  async function receive(params: Record<string, string>, origin: PostbackOrigin): Promise<PostbackResult> {
    const req = parsePostback(params, deps.defaultRegion);
    const now = deps.clock.now();
    const rate = limiter.take(req.keyId, now);
    if (!rate.ok)
      throw new AppError('too_many_requests', 'too many postbacks with this key: slow down', {
        retryAfter: rate.retryAfter,
      });
    const key = await repo.keyForPostback(req.keyId, now);
    if (!key) throw unauthenticated('key_id is unknown or no longer in use (the key was rotated or revoked)');
    const skew = staleBy(req.ts, now);
    if (skew !== null)
      throw unauthenticated(
        `ts is ${Math.abs(skew)} s ${skew > 0 ? 'behind' : 'ahead of'} the server's clock (${now.toISOString()}): a postback must be signed within 5 minutes of when it is sent`,
      );
    if (!signatureMatches(key.secret, params, req.sig))
      throw unauthenticated('sig does not match: see docs/postbacks.md for the canonical string to sign');
    try {
      return await deps.db.transaction((tx) => apply(tx, req, key, origin, now)());
    } catch (e) {
      if (!(e instanceof Refusal)) throw e;
      if (e.error.details && (e.error.details as { reason?: string }).reason === 'nonce_used') throw e.error;
      const kept = await repo.insertPostback({
        ...audit(req, key, origin, now),
        callId: e.callId,
        result: 'refused',
        errorCode: (e.error.details as { reason: string }).reason,
        message: e.error.message,
        old: null,
        new: null,
      });
      if (kept === undefined) throw replay(req.nonce, (await repo.usedNonce(key.id, req.nonce))!).error;
      throw e.error;
    }
  }

  /**
   * The postbacks about a call, newest first. A seller sees those of their own calls, without
   * the buyer's network address (the buyer's, not the seller's, to know).
   */
  async function forCall(actor: Actor, callId: number): Promise<PostbackRow[]> {
    const scope = sellerScope(actor);
    if (!(await repo.callVisible(callId, scope))) throw notFound('call', callId);
    const rows = await repo.listByCall(callId);
    return scope === null ? rows : rows.map((r) => ({ ...r, remote_address: null }));
  }

  /** The postbacks a buyer sent, newest first. */
  async function forClient(clientId: number, page: PageRequest): Promise<Page<PostbackRow>> {
    await client(clientId);
    return toPage(await repo.listByClient(clientId, page), page);
  }

  return { keys, rotateKey, revokeKeys, receive, forCall, forClient };
}

export type PostbacksService = ReturnType<typeof createPostbacksService>;
