import { randomBytes, randomUUID } from 'node:crypto';
import type { Db } from '../db/db.js';
import type { SettingsService } from '../settings/settings.service.js';
import type { Clock } from '../shared/clock.js';
import { versionedWrite } from '../shared/versions.js';
import { AppError, badRequest, notFound } from '../shared/errors.js';
import { sellerScope, toPage, type Actor, type Page, type PageRequest } from '../shared/types.js';
import { isInternalHost } from './address.js';
import { TEST_EVENT, WEBHOOK_EVENT_NAMES } from './events.js';
import {
  createWebhooksRepo,
  type AttemptRow,
  type DeliveryRow,
  type DeliveryState,
  type SubscriptionRow,
} from './webhooks.repo.js';

export interface SubscriptionInput {
  url: string;
  events: string[];
  description?: string | null | undefined;
  active?: boolean | undefined;
  /** Admins only: whose events (null or absent: every seller's). A seller's are always their own. */
  seller_id?: number | null | undefined;
}

/** Attempts shown with a delivery. */
const ATTEMPTS_SHOWN = 50;

/** A new signing secret: 32 random bytes, readable and easy to paste. */
function newSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/** An absolute http(s) URL a receiver can be reached at, as stored; else a 400 naming the field. */
export function checkUrl(raw: string): string {
  const fail = (why: string) =>
    new AppError('validation_failed', why, { details: [{ path: '/url', message: why }] });
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw fail('url must be an absolute http:// or https:// URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw fail('url must start with http:// or https://');
  if (url.username || url.password)
    throw fail('url must not carry a user name or password; the signature authenticates');
  if (url.hash) throw fail('url must not have a #fragment');
  return url.toString();
}

function checkEvents(events: string[]): string[] {
  const unknown = events.filter((e) => !(WEBHOOK_EVENT_NAMES as string[]).includes(e));
  if (unknown.length > 0)
    throw new AppError(
      'validation_failed',
      `unknown event ${unknown.join(', ')}; known: ${WEBHOOK_EVENT_NAMES.join(', ')}`,
      {
        details: [{ path: '/events', message: `unknown: ${unknown.join(', ')}` }],
      },
    );
  if (events.length === 0)
    throw new AppError('validation_failed', 'events must name at least one event', {
      details: [{ path: '/events', message: 'choose at least one event' }],
    });
  return [...new Set(events)].sort();
}

/**
 * Webhook subscriptions (a seller: their own; an admin: any, including all-sellers ones), the
 * test event, and the delivery log. The events themselves are written by the statements that
 * record them (`outbox.sql.ts`); delivery is `delivery.ts`.
 */
export function createWebhooksService(deps: { db: Db; clock: Clock; settings: SettingsService }) {
  const repo = createWebhooksRepo(deps.db);

  /**
   * A seller's subscription may not name an internal host unless an admin allows it; names that
   * resolve to one are refused at each delivery (delivery.ts).
   */
  async function checkReach(url: string, sellerId: number | null): Promise<string> {
    if (sellerId === null || !isInternalHost(new URL(url).hostname)) return url;
    if ((await deps.settings.value('webhooks.sellers_private_addresses')) === true) return url;
    const why =
      'url is an internal address (loopback, private network): an admin can allow it for sellers (setting webhooks.sellers_private_addresses)';
    throw new AppError('validation_failed', why, { details: [{ path: '/url', message: why }] });
  }

  async function get(actor: Actor, id: number): Promise<SubscriptionRow> {
    const row = await repo.subscription(id, sellerScope(actor));
    if (!row) throw notFound('webhook subscription', id);
    return row;
  }

  function list(actor: Actor, page: PageRequest): Promise<Page<SubscriptionRow>> {
    return repo.listSubscriptions(sellerScope(actor), page).then((rows) => toPage(rows, page));
  }

  async function owner(actor: Actor, sellerId: number | null | undefined): Promise<number | null> {
    if (actor.role !== 'admin') {
      if (sellerId !== undefined && sellerId !== actor.id)
        throw new AppError('forbidden', 'a seller subscribes to their own events only');
      return actor.id;
    }
    if (sellerId === undefined || sellerId === null) return null;
    if (!(await repo.isSeller(sellerId)))
      throw new AppError('validation_failed', `user ${sellerId} is not a seller`, {
        details: [{ path: '/seller_id', message: 'not a seller' }],
      });
    return sellerId;
  }

  async function create(
    actor: Actor,
    input: SubscriptionInput,
  ): Promise<SubscriptionRow & { secret: string }> {
    const secret = newSecret();
    const sellerId = await owner(actor, input.seller_id);
    const row = await repo.insertSubscription({
      sellerId,
      url: await checkReach(checkUrl(input.url), sellerId),
      events: checkEvents(input.events),
      description: input.description?.trim() || null,
      active: input.active ?? true,
      secret,
      createdBy: actor.id,
    });
    return { ...row!, secret };
  }

  async function update(
    actor: Actor,
    id: number,
    patch: Omit<SubscriptionInput, 'seller_id' | 'url' | 'events'> & {
      url?: string | undefined;
      events?: string[] | undefined;
    },
    expected?: number,
  ): Promise<SubscriptionRow> {
    const sub = await get(actor, id);
    const changes = {
      ...(patch.url !== undefined ? { url: await checkReach(checkUrl(patch.url), sub.seller_id) } : {}),
      ...(patch.events !== undefined ? { events: checkEvents(patch.events) } : {}),
      ...(patch.description !== undefined ? { description: patch.description?.trim() || null } : {}),
      ...(patch.active !== undefined ? { active: patch.active } : {}),
    };
    return versionedWrite(
      'webhook subscription',
      id,
      expected,
      () => repo.updateSubscription(id, changes, deps.clock.now(), expected),
      () => repo.subscriptionVersion(id),
    );
  }

  /** Deletes the subscription with its deliveries and their log. */
  async function remove(actor: Actor, id: number, expected?: number): Promise<void> {
    await get(actor, id);
    await versionedWrite(
      'webhook subscription',
      id,
      expected,
      async () => ((await repo.deleteSubscription(id, expected)) ? true : undefined),
      () => repo.subscriptionVersion(id),
    );
  }

  /** A new secret, effective for every attempt from now on (pending ones included); shown this once. */
  async function rotateSecret(actor: Actor, id: number): Promise<SubscriptionRow & { secret: string }> {
    await get(actor, id);
    const secret = newSecret();
    const row = await repo.updateSubscription(id, { secret }, deps.clock.now());
    if (!row) throw notFound('webhook subscription', id);
    return { ...row, secret };
  }

  /** Queues a `webhook.test` event for this subscription alone; the worker sends it within a second or so. */
  async function sendTest(actor: Actor, id: number): Promise<DeliveryRow> {
    const sub = await get(actor, id);
    if (!sub.active) throw badRequest('the subscription is paused: activate it to send a test event');
    const at = deps.clock.now();
    const eventId = randomUUID();
    const payload = {
      id: eventId,
      type: TEST_EVENT,
      occurred_at: at.toISOString(),
      data: { subscription_id: sub.id, seller_id: sub.seller_id, message: 'A test event from CapConduit' },
    };
    const row = await repo.insertEvent({
      subscriptionId: sub.id,
      sellerId: sub.seller_id,
      eventId,
      event: TEST_EVENT,
      payload,
      occurredAt: at,
    });
    return (await repo.delivery(row!.id, null))!;
  }

  async function deliveries(
    actor: Actor,
    filter: { subscriptionId?: number | undefined; state?: DeliveryState | undefined },
    page: PageRequest,
  ): Promise<Page<DeliveryRow>> {
    return toPage(await repo.listDeliveries(sellerScope(actor), filter, page), page);
  }

  async function delivery(
    actor: Actor,
    id: number,
  ): Promise<DeliveryRow & { payload: unknown; log: AttemptRow[] }> {
    const row = await repo.delivery(id, sellerScope(actor));
    if (!row) throw notFound('webhook delivery', id);
    return { ...row, log: await repo.attempts(id, ATTEMPTS_SHOWN) };
  }

  /** Sends a delivery again (whatever its state), as a new round of attempts. */
  async function redeliver(actor: Actor, id: number): Promise<DeliveryRow> {
    await delivery(actor, id);
    await repo.redeliver(id);
    return (await repo.delivery(id, null))!;
  }

  return { list, get, create, update, remove, rotateSecret, sendTest, deliveries, delivery, redeliver };
}

export type WebhooksService = ReturnType<typeof createWebhooksService>;
