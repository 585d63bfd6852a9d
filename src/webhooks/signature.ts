/**
 * Webhook signatures: `X-CapConduit-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`
 * keyed with the subscription's secret (its text, as UTF-8). The timestamp is signed too, so a
 * receiver that checks its age refuses a captured request replayed later. docs/webhooks.md.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** How old a signature a receiver accepts by default (seconds either way). */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

function hmac(secret: string, t: number, body: string): string {
  return createHmac('sha256', secret).update(`${t}.${body}`, 'utf8').digest('hex');
}

/** The header value for `body` (the exact bytes sent) at `at`. */
export function signWebhook(secret: string, body: string, at: Date): string {
  const t = Math.floor(at.getTime() / 1000);
  return `t=${t},v1=${hmac(secret, t, body)}`;
}

/**
 * What a receiver runs on each request: true when `header` carries a `v1` signature of the raw
 * `body` under `secret`, made within `toleranceSeconds` of `now`. Compares in constant time.
 * Several `v1=` entries are accepted (any one matching is enough).
 */
export function verifyWebhookSignature(
  secret: string,
  header: string | undefined | null,
  body: string,
  opts: { now?: Date; toleranceSeconds?: number } = {},
): boolean {
  if (!header) return false;
  const parts = header.split(',').map((p) => p.trim().split('='));
  const t = Number(parts.find(([k]) => k === 't')?.[1]);
  if (!Number.isInteger(t)) return false;
  const now = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  if (Math.abs(now - t) > (opts.toleranceSeconds ?? SIGNATURE_TOLERANCE_SECONDS)) return false;
  const expected = Buffer.from(hmac(secret, t, body), 'hex');
  return parts
    .filter(([k, v]) => k === 'v1' && v !== undefined && /^[0-9a-f]{64}$/.test(v))
    .some(([, v]) => timingSafeEqual(Buffer.from(v!, 'hex'), expected));
}
