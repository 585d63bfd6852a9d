/**
 * One place that turns an operator's ARI URL into the base every request is built on, so
 * `http://pbx:8088`, `http://pbx:8088/`, `http://pbx:8088/ari` and `http://pbx:8088/ari//`
 * all mean the same server and no request can ever go to `/ari/ari/…` (the seed's bug).
 */
import { AriBadRequest, AriConfigError } from './errors.js';

/**
 * The REST base of an ARI server: scheme, host, port, the http.conf prefix if any, and exactly
 * one trailing `/ari`, without a trailing slash (`http://pbx:8088/ari`).
 * Throws AriConfigError for a URL that cannot be an ARI server's.
 */
export function normaliseAriUrl(input: string): string {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    throw new AriConfigError(`not a URL: ${JSON.stringify(input.slice(0, 100))}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new AriConfigError(`ARI URL must be http:// or https://, not ${url.protocol}//`);
  }
  // Credentials in the URL would be logged with it; they are given apart (username, password).
  if (url.username || url.password) throw new AriConfigError('ARI URL must not contain a user or password');
  if (url.search || url.hash) throw new AriConfigError('ARI URL must not have a query string or fragment');
  const segments = url.pathname.split('/').filter((s) => s !== '');
  // `/ari/ari` is the doubled suffix of a base that already ended in /ari: one is meant.
  while (segments.length > 0 && segments[segments.length - 1] === 'ari') segments.pop();
  segments.push('ari');
  return `${url.protocol}//${url.host}/${segments.join('/')}`;
}

/** The URL of one request: `base` from normaliseAriUrl, `path` such as `/channels/abc`. */
export function requestUrl(base: string, path: string, query?: QueryParams): string {
  const q = query ? encodeQuery(query) : '';
  return `${base}${path}${q ? `?${q}` : ''}`;
}

/** The event websocket's URL for an application (`ws://pbx:8088/ari/events?app=cap&subscribeAll=false`). */
export function eventsUrl(base: string, app: string, subscribeAll = false): string {
  const ws = base.replace(/^http/, 'ws');
  return requestUrl(ws, '/events', { app, subscribeAll });
}

/** A query parameter's value; undefined leaves the parameter out, arrays are joined with commas as ARI expects. */
export type QueryValue = string | number | boolean | readonly string[] | undefined;
/** Query parameters in the order they are sent. */
export type QueryParams = Readonly<Record<string, QueryValue>>;

/**
 * Encodes parameters in insertion order. `/ , : @` stay literal (RFC 3986 allows them in a
 * query and Asterisk decodes either form), so requests read as Asterisk's own logs show them:
 * `endpoint=PJSIP/client1`, `channel=a,b`, `callerId=%2B1212…`.
 */
export function encodeQuery(query: QueryParams): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(',') : String(value);
    parts.push(`${encodeQueryPart(key)}=${encodeQueryPart(text)}`);
  }
  return parts.join('&');
}

const LITERAL: Readonly<Record<string, string>> = { '%2C': ',', '%2F': '/', '%3A': ':', '%40': '@' };

function encodeQueryPart(text: string): string {
  return encodeURIComponent(text).replace(/%(?:2C|2F|3A|40)/g, (m) => LITERAL[m] ?? m);
}

/**
 * A path segment (channel id, recording name …), escaped so it can never change the path:
 * `.` and `..` are refused because URL parsing resolves them even when escaped.
 */
export function segment(value: string): string {
  if (value === '' || value === '.' || value === '..') {
    throw new AriBadRequest(`not a usable id: ${JSON.stringify(value)}`);
  }
  return encodeURIComponent(value);
}
