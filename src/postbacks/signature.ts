/**
 * The signature of a conversion postback (docs/postbacks.md): HMAC-SHA256, keyed with the buyer's
 * postback key, of the request's parameters in canonical form. The same rule signs a GET pixel's
 * query string, a form body and a JSON body, so a CRM can use whichever it can send. Pure.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** How far a postback's `ts` may be from the server's clock, either way. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/** The parameter that carries the signature; every other parameter is signed. */
export const SIGNATURE_PARAM = 'sig';

/** RFC 3986 percent-encoding: what encodeURIComponent does, plus ! ' ( ) *. */
export function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/**
 * `name=value` pairs of every parameter but `sig`, names sorted, both RFC 3986-encoded, joined
 * with `&`. For parameters of letters, digits and `-._~` this is the query string itself.
 */
export function canonicalString(params: Readonly<Record<string, string>>): string {
  return Object.keys(params)
    .filter((name) => name !== SIGNATURE_PARAM)
    .sort()
    .map((name) => `${rfc3986(name)}=${rfc3986(params[name]!)}`)
    .join('&');
}

/** The signature of `params` with `secret`: 64 lowercase hex digits. */
export function signPostback(secret: string, params: Readonly<Record<string, string>>): string {
  return createHmac('sha256', secret).update(canonicalString(params), 'utf8').digest('hex');
}

/** True when `sig` (hex, either case) signs `params` with `secret`; compared in constant time. */
export function signatureMatches(
  secret: string,
  params: Readonly<Record<string, string>>,
  sig: string,
): boolean {
  if (!/^[0-9a-fA-F]{64}$/.test(sig)) return false;
  const expected = createHmac('sha256', secret).update(canonicalString(params), 'utf8').digest();
  return timingSafeEqual(Buffer.from(sig, 'hex'), expected);
}

/** Seconds between a signed `ts` and now, or null when `ts` is within the tolerance. */
export function staleBy(ts: number, now: Date): number | null {
  const skew = Math.floor(now.getTime() / 1000) - ts;
  return Math.abs(skew) > SIGNATURE_TOLERANCE_SECONDS ? skew : null;
}
