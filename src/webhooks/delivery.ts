/**
 * The delivery worker: claims due outbox rows (any number of processes may run it: the claim is
 * `SKIP LOCKED` with a lease), POSTs each signed, and records the attempt and what follows
 * (delivered on 2xx, else retried with backoff, `failed` after the last attempt). It runs on the
 * worker role's timer, never on the call path: the statements that record events only insert rows.
 * Delivery is at least once: a receiver dedupes on X-CapConduit-Delivery (the event id).
 */
import type { Logger } from 'pino';
import type { Db } from '../db/db.js';
import type { Clock } from '../shared/clock.js';
import { internalAddressOf } from './address.js';
import { retryDelayMs } from './retry.js';
import { signWebhook } from './signature.js';
import { createOutboxRepo, type AttemptResult, type ClaimedDelivery } from './outbox.repo.js';

export const USER_AGENT = 'CapConduit-Webhooks/1';
/** The most of a receiver's answer kept in the log. */
const EXCERPT_CHARS = 500;

export interface DeliveryOptions {
  /** Time limit of one POST (connect to the last byte read). */
  timeoutMs?: number;
  /** Rows claimed at a time, and sent at once at most. */
  batch?: number;
  concurrency?: number;
  /** Batches per run at most, so one run ends even when events keep coming. */
  maxBatches?: number;
}

/** Reads at most `max` characters of a body, then lets the rest go. */
async function excerpt(res: Response, max: number): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    while (text.length < max) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return text.slice(0, max);
}

function describeError(err: unknown): string {
  if (err instanceof Error) {
    if (err.name === 'TimeoutError') return 'timed out';
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    return cause?.code
      ? `${err.message}: ${cause.code}`
      : cause?.message
        ? `${err.message}: ${cause.message}`
        : err.message;
  }
  return String(err);
}

export function createWebhookDelivery(deps: {
  db: Db;
  clock: Clock;
  log: Pick<Logger, 'warn' | 'error'>;
  random?: () => number;
  /** Whether sellers' subscriptions may reach internal addresses (setting webhooks.sellers_private_addresses). */
  sellersMayReachInternal: () => Promise<boolean>;
  options?: DeliveryOptions;
}) {
  const repo = createOutboxRepo(deps.db);
  const timeoutMs = deps.options?.timeoutMs ?? 10_000;
  const batch = deps.options?.batch ?? 20;
  const concurrency = deps.options?.concurrency ?? 5;
  const maxBatches = deps.options?.maxBatches ?? 10;
  // longer than any attempt can take, so a live worker never loses its claim to another
  const leaseMs = timeoutMs + 50_000;

  /**
   * Why a seller's URL may not be requested: its host is or resolves to an internal address. The
   * name is resolved again by fetch, so a DNS answer that changes in between (rebinding) is not
   * caught here; the setting's description says internal addresses are refused, not unreachable.
   */
  async function refusal(d: ClaimedDelivery, internalAllowed: boolean): Promise<string | null> {
    if (d.owner === null || internalAllowed) return null;
    const internal = await internalAddressOf(new URL(d.url).hostname);
    return internal === undefined
      ? null
      : `refused: ${internal} is an internal address (an admin can allow it: setting webhooks.sellers_private_addresses)`;
  }

  /** One HTTP attempt: the exact body, signed at send time. */
  async function post(d: ClaimedDelivery, internalAllowed: boolean): Promise<AttemptResult> {
    const body = JSON.stringify(d.payload);
    const startedAt = deps.clock.now();
    const t0 = performance.now();
    const ms = () => Math.round(performance.now() - t0);
    try {
      const refused = await refusal(d, internalAllowed);
      if (refused) return { startedAt, durationMs: ms(), httpStatus: null, error: refused, excerpt: null };
      const res = await fetch(d.url, {
        method: 'POST',
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
        headers: {
          'content-type': 'application/json',
          'user-agent': USER_AGENT,
          'x-capconduit-event': d.event,
          'x-capconduit-delivery': d.event_id,
          'x-capconduit-signature': signWebhook(d.secret, body, startedAt),
        },
      });
      const text = await excerpt(res, EXCERPT_CHARS).catch(() => '');
      const ok = res.status >= 200 && res.status < 300;
      return {
        startedAt,
        durationMs: ms(),
        httpStatus: res.status,
        error: ok
          ? null
          : `HTTP ${res.status}${res.status >= 300 && res.status < 400 ? ' (redirects are not followed)' : ''}`,
        excerpt: text,
      };
    } catch (err) {
      return { startedAt, durationMs: ms(), httpStatus: null, error: describeError(err), excerpt: null };
    }
  }

  async function deliver(d: ClaimedDelivery, internalAllowed: boolean): Promise<void> {
    const r = await post(d, internalAllowed);
    const now = deps.clock.now();
    const delivered = r.error === null;
    const delay = delivered ? null : retryDelayMs(d.attempts, deps.random);
    const kept = await repo.finish(d, r, {
      state: delivered ? 'delivered' : delay === null ? 'failed' : 'pending',
      nextAttemptAt: delay === null ? null : new Date(now.getTime() + delay),
      deliveredAt: delivered ? now : null,
    });
    if (!kept)
      deps.log.warn(
        { delivery: d.id },
        'webhook delivery was claimed again meanwhile; its attempt is logged',
      );
    if (!delivered && delay === null)
      deps.log.warn({ delivery: d.id, url: d.url, error: r.error }, 'webhook delivery failed for good');
  }

  /** Sends `items` with at most `concurrency` requests in flight. */
  async function sendAll(items: ClaimedDelivery[]): Promise<void> {
    if (items.length === 0) return;
    const internalAllowed = await deps.sellersMayReachInternal();
    let next = 0;
    const lane = async () => {
      while (next < items.length) {
        const d = items[next++]!;
        await deliver(d, internalAllowed).catch((err: unknown) =>
          deps.log.error(
            { err, delivery: d.id },
            'webhook attempt could not be recorded; retried after its lease',
          ),
        );
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
  }

  /** Claims and sends what is due, batch after batch; returns how many attempts were made. */
  async function runOnce(): Promise<number> {
    let sent = 0;
    for (let i = 0; i < maxBatches; i++) {
      const now = deps.clock.now();
      const claimed = await repo.claim(now, new Date(now.getTime() + leaseMs), batch);
      await sendAll(claimed);
      sent += claimed.length;
      if (claimed.length < batch) break;
    }
    return sent;
  }

  /** Deletes delivered and failed deliveries older than `days` (the log keeps a month by default). */
  async function prune(days = 30): Promise<number> {
    return repo.prune(new Date(deps.clock.now().getTime() - days * 86_400_000), 10_000);
  }

  return { runOnce, prune, leaseMs };
}

export type WebhookDelivery = ReturnType<typeof createWebhookDelivery>;
