/**
 * One ARI request over Node's fetch: basic auth, a time limit on the whole exchange, no
 * redirects, and every failure turned into an AriError (errors.ts) carrying method, path,
 * status and Asterisk's own text.
 */
import {
  AriConfigError,
  AriError,
  AriProtocolError,
  AriTimeout,
  AriUnavailable,
  asteriskMessageOf,
  errorForStatus,
  type AriErrorDetails,
} from './errors.js';
import { shapeProblem, type Shape } from './shape.js';
import { systemTimers, type Timers } from './timers.js';
import { normaliseAriUrl, requestUrl, type QueryParams } from './url.js';

/** Where an ARI server is and how to log in to it. */
export interface AriServerOptions {
  /** As the operator wrote it: `http://pbx:8088`, `http://pbx:8088/ari/` … (see url.ts). */
  url: string;
  /** An ari.conf user. */
  username: string;
  password: string;
  /** Time limit of each request in ms, from sending it to the end of its answer (default 10 000). */
  timeoutMs?: number;
  /** Injected by tests; Node's timers otherwise. */
  timers?: Timers;
}

/** The HTTP methods ARI uses. */
export type AriMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** One request, below the ARI base. */
export interface AriRequest {
  method: AriMethod;
  /** Below the ARI base, starting with `/`; segments escaped with url.ts#segment. */
  path: string;
  query?: QueryParams;
  /** Sent as JSON (only `variables` of originate and create use a body). */
  body?: unknown;
}

/** A streamed answer: the caller reads or cancels `body`. */
export interface AriStreamAnswer {
  contentType: string | undefined;
  contentLength: number | undefined;
  body: ReadableStream<Uint8Array>;
}

const DEFAULT_TIMEOUT_MS = 10_000;

/** Sends ARI requests to one server. */
export class AriTransport {
  /** The normalised REST base (`http://pbx:8088/ari`). */
  readonly base: string;
  readonly #authorization: string;
  readonly #timeoutMs: number;
  readonly #timers: Timers;

  constructor(options: AriServerOptions) {
    this.base = normaliseAriUrl(options.url);
    this.#authorization = basicAuthorization(options.username, options.password);
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#timers = options.timers ?? systemTimers;
  }

  /** A request answered with JSON of the given shape (200/201). */
  json<T>(req: AriRequest, shape: Shape): Promise<T> {
    return this.#send(req, 'application/json', async (res, details) => {
      const text = await res.text();
      if (!res.ok) throw failure(res, text, details);
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        throw new AriProtocolError(`answer is not JSON: ${snippet(text)}`, {
          ...details,
          status: res.status,
        });
      }
      const problem = shapeProblem(value, shape, 'answer');
      if (problem) throw new AriProtocolError(problem, { ...details, status: res.status });
      return value as T;
    });
  }

  /** A request answered with no content (204), as every ARI command is. */
  empty(req: AriRequest): Promise<void> {
    return this.#send(req, 'application/json', async (res, details) => {
      const text = await res.text();
      if (!res.ok) throw failure(res, text, details);
    });
  }

  /** A request whose 200 answer is streamed to the caller; the time limit ends with the headers. */
  stream(req: AriRequest): Promise<AriStreamAnswer> {
    return this.#send(req, '*/*', async (res, details) => {
      if (!res.ok || !res.body) throw failure(res, await res.text(), details);
      const length = res.headers.get('content-length');
      return {
        contentType: res.headers.get('content-type') ?? undefined,
        contentLength: length === null || !/^\d+$/.test(length) ? undefined : Number(length),
        body: res.body,
      };
    });
  }

  async #send<R>(
    req: AriRequest,
    accept: string,
    read: (res: Response, details: AriErrorDetails) => Promise<R>,
  ): Promise<R> {
    const details: AriErrorDetails = { method: req.method, path: req.path };
    const controller = new AbortController();
    let timedOut = false;
    const timer = this.#timers.setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.#timeoutMs);
    try {
      const headers: Record<string, string> = { authorization: this.#authorization, accept };
      if (req.body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(requestUrl(this.base, req.path, req.query), {
        method: req.method,
        headers,
        body: req.body === undefined ? undefined : JSON.stringify(req.body),
        signal: controller.signal,
        // A POST that follows a redirect becomes a GET: an originate must never turn into a list.
        redirect: 'manual',
      });
      return await read(res, details);
    } catch (err) {
      if (err instanceof AriError) throw err;
      if (timedOut)
        throw new AriTimeout(`no complete answer within ${this.#timeoutMs} ms`, { ...details, cause: err });
      throw new AriUnavailable(`cannot reach ${this.base} (${networkCode(err)})`, { ...details, cause: err });
    } finally {
      this.#timers.clearTimeout(timer);
    }
  }
}

function failure(res: Response, text: string, details: AriErrorDetails): AriError {
  return errorForStatus(res.status, { ...details, asteriskMessage: asteriskMessageOf(text) });
}

/** The `Authorization` header for an ARI user (basic auth, as ari.conf users log in). */
export function basicAuthorization(username: string, password: string): string {
  // RFC 7617: the user-id cannot contain a colon; Asterisk would split it at the first one.
  if (username === '' || username.includes(':')) {
    throw new AriConfigError('ARI username must be non-empty and contain no colon');
  }
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

/** The system error code under fetch's `TypeError: fetch failed` (ECONNREFUSED, ENOTFOUND …). */
function networkCode(err: unknown): string {
  let e: unknown = err;
  for (let depth = 0; depth < 4 && e instanceof Error; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = e.cause;
  }
  return err instanceof Error ? err.name : 'network error';
}

function snippet(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
}
