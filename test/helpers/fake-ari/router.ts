/**
 * The REST side of the fake Asterisk: basic auth, routing on `/ari/...` paths, and answers
 * written as res/res_ari.c writes them (pretty JSON, `{"message": …}` for errors,
 * `{"error": "Allocation failed"}` for ast_ari_response_alloc_failed, 204 without a body).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface Ctx {
  method: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: Record<string, unknown> | undefined;
}

export interface Reply {
  status: number;
  json?: unknown;
  /** Raw bytes (a recording file) with their content type. */
  raw?: { type: string; bytes: Buffer };
  headers?: Record<string, string>;
}

export type Handler = (ctx: Ctx) => Reply | Promise<Reply>;

/** What a test interceptor makes of a request: a canned reply, no answer ever, or a reset connection. */
export type Interception = Reply | { text: string; status: number; type?: string } | 'hang' | 'reset';

export interface RequestRecord {
  method: string;
  /** Below /ari, without the query: `/channels/abc`. */
  path: string;
  /** The query as sent: `endpoint=PJSIP/client1&app=cap`. */
  query: string;
}

export const ok = (json: unknown): Reply => ({ status: 200, json });
export const noContent = (): Reply => ({ status: 204 });
export const fail = (status: number, message: string): Reply => ({ status, json: { message } });
/** ast_ari_response_alloc_failed: the answer to an unknown PJSIP endpoint (captured). */
export const allocationFailed = (): Reply => ({ status: 500, json: { error: 'Allocation failed' } });

const REASONS: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  204: 'No Content',
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  412: 'Precondition Failed',
  422: 'Unprocessable Entity',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

interface Route {
  method: string;
  parts: string[];
  handler: Handler;
}

export class Router {
  readonly #routes: Route[] = [];
  readonly requests: RequestRecord[] = [];
  interceptor: ((r: RequestRecord) => Interception | undefined) | undefined;

  constructor(readonly authorized: (req: IncomingMessage) => boolean) {}

  /** `pattern` like `/channels/:channelId/answer`. */
  add(method: string, pattern: string, handler: Handler): void {
    this.#routes.push({ method, parts: pattern.split('/').filter((p) => p !== ''), handler });
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    const path = url.pathname.replace(/^\/ari(?=\/|$)/, '');
    const record = { method, path, query: url.search.slice(1) };
    const bodyText = await readBody(req);
    if (!url.pathname.startsWith('/ari/')) return send(res, fail(404, 'Not found'));
    this.requests.push(record);
    const intercepted = this.interceptor?.(record);
    if (intercepted === 'hang') return;
    if (intercepted === 'reset') return void req.socket.resetAndDestroy();
    if (intercepted && 'text' in intercepted) return sendText(res, intercepted);
    if (intercepted) return send(res, intercepted);
    if (!this.authorized(req)) {
      return send(res, {
        ...fail(401, 'Authentication required'),
        headers: { 'WWW-Authenticate': 'Basic realm="Asterisk REST Interface"' },
      });
    }
    if (path.endsWith('/'))
      return send(res, fail(404, `ARI URLs do not end with a slash. Try /ari${path.slice(0, -1)}`));
    send(res, await this.#dispatch(method, path, url.searchParams, bodyText));
  }

  async #dispatch(method: string, path: string, query: URLSearchParams, bodyText: string): Promise<Reply> {
    let segments: string[];
    try {
      segments = path
        .split('/')
        .filter((p) => p !== '')
        .map(decodeURIComponent);
    } catch {
      return fail(404, 'Resource not found');
    }
    const matching = this.#routes.filter((r) => match(r.parts, segments) !== undefined);
    if (matching.length === 0) return fail(404, 'Resource not found');
    const route = matching.find((r) => r.method === method);
    if (!route) return fail(405, 'Invalid method');
    let body: Record<string, unknown> | undefined;
    try {
      body = bodyText ? (JSON.parse(bodyText) as Record<string, unknown>) : undefined;
    } catch {
      return fail(400, 'Error parsing request body');
    }
    return route.handler({ method, params: match(route.parts, segments) ?? {}, query, body });
  }
}

function match(parts: string[], segments: string[]): Record<string, string> | undefined {
  if (parts.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const seg = segments[i]!;
    if (part.startsWith(':')) params[part.slice(1)] = seg;
    else if (part !== seg) return undefined;
  }
  return params;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (text += c));
    req.on('end', () => resolve(text));
    req.on('error', () => resolve(text));
  });
}

function send(res: ServerResponse, reply: Reply): void {
  const headers: Record<string, string> = { Server: 'Asterisk/22.10.1', ...reply.headers };
  let body: Buffer | undefined;
  if (reply.raw) {
    headers['Content-Type'] = reply.raw.type;
    body = reply.raw.bytes;
  } else if (reply.json !== undefined && reply.json !== null) {
    headers['Content-Type'] = 'application/json';
    body = Buffer.from(JSON.stringify(reply.json, null, 2));
  }
  headers['Content-Length'] = String(body?.length ?? 0);
  res.writeHead(reply.status, REASONS[reply.status] ?? 'Unknown', headers);
  res.end(body);
}

function sendText(res: ServerResponse, r: { text: string; status: number; type?: string }): void {
  const headers: Record<string, string> = { 'Content-Length': String(Buffer.byteLength(r.text)) };
  if (r.type) headers['Content-Type'] = r.type;
  res.writeHead(r.status, REASONS[r.status] ?? 'Unknown', headers);
  res.end(r.text);
}
