/**
 * Secrets travel in URLs more often than they should: seed 003's dialers send the caller-ID token
 * as `?token=`, and a FastAGI URL may carry anything the dialplan put there. Logs are read by
 * more people and kept longer than the secrets they would leak, so every URL is logged through
 * `redactUrl`.
 */

/** Query parameter names whose values are never logged (matched anywhere in the name). */
const SECRET_NAME = /token|passw|pwd|secret|key|auth|signature|session|credential/i;

export const REDACTED = '[REDACTED]';

function nameOf(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw; // malformed escapes: judge the name as written
  }
}

/**
 * The URL (a request path or an `agi://` URL) with the value of every secret-looking query
 * parameter replaced by `[REDACTED]`; everything else is kept exactly as it was.
 */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const hash = url.indexOf('#', q);
  const end = hash < 0 ? url.length : hash;
  const query = url
    .slice(q + 1, end)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq < 0 ? pair : pair.slice(0, eq);
      return eq >= 0 && SECRET_NAME.test(nameOf(name)) ? `${name}=${REDACTED}` : pair;
    })
    .join('&');
  return `${url.slice(0, q + 1)}${query}${url.slice(end)}`;
}
