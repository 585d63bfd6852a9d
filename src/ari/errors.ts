/**
 * Every way an ARI request or the event websocket can fail, as classes with a stable `code`.
 * Callers branch on the class or the code, never on Asterisk's text: the same status carries
 * different messages (404 `Channel not found`, `Provided variable was not found`, …) and the
 * text is not part of ARI's contract.
 */

/** The stable codes of AriError; one per class below. */
export type AriErrorCode =
  | 'ari_bad_request'
  | 'ari_unauthorized'
  | 'ari_forbidden'
  | 'ari_not_found'
  | 'ari_conflict'
  | 'ari_invalid_state'
  | 'ari_unprocessable'
  | 'ari_server_error'
  | 'ari_not_implemented'
  | 'ari_unavailable'
  | 'ari_timeout'
  | 'ari_protocol_error'
  | 'ari_malformed_event'
  | 'ari_config_error';

/** What a failed exchange was about; every field is optional because some failures have no request. */
export interface AriErrorDetails {
  /** HTTP method, `WS` for the event websocket. */
  method?: string;
  /** Path below the ARI base (`/channels/abc`), without the query string. */
  path?: string;
  /** HTTP status, when an answer arrived. */
  status?: number;
  /** Asterisk's own text (`message` or `error` of its JSON body), for logs only. */
  asteriskMessage?: string;
  cause?: unknown;
}

/** Base of every ARI failure. `code` is stable; `message` is for people. */
export abstract class AriError extends Error {
  abstract readonly code: AriErrorCode;
  readonly method: string | undefined;
  readonly path: string | undefined;
  readonly status: number | undefined;
  readonly asteriskMessage: string | undefined;

  constructor(what: string, details: AriErrorDetails = {}) {
    super(describe(what, details), details.cause === undefined ? undefined : { cause: details.cause });
    this.method = details.method;
    this.path = details.path;
    this.status = details.status;
    this.asteriskMessage = details.asteriskMessage;
  }
}

function describe(what: string, d: AriErrorDetails): string {
  const where = d.method && d.path ? `ARI ${d.method} ${d.path}: ` : 'ARI: ';
  const status = d.status === undefined ? '' : ` (HTTP ${d.status})`;
  const said = d.asteriskMessage ? `: ${d.asteriskMessage}` : '';
  return `${where}${what}${status}${said}`;
}

/** 400 (and other 4xx Asterisk does not document): the request itself was wrong. */
export class AriBadRequest extends AriError {
  readonly code = 'ari_bad_request' as const;
  override name = 'AriBadRequest';
}
/** 401: wrong ARI user or password. */
export class AriUnauthorized extends AriError {
  readonly code = 'ari_unauthorized' as const;
  override name = 'AriUnauthorized';
}
/** 403: a read-only ARI user, an ACL, or a file Asterisk could not open. */
export class AriForbidden extends AriError {
  readonly code = 'ari_forbidden' as const;
  override name = 'AriForbidden';
}
/** 404: the channel, bridge, recording … does not exist (any more). */
export class AriNotFound extends AriError {
  readonly code = 'ari_not_found' as const;
  override name = 'AriNotFound';
}
/** 409: e.g. a channel not in a Stasis application, an id or recording name already taken. */
export class AriConflict extends AriError {
  readonly code = 'ari_conflict' as const;
  override name = 'AriConflict';
}
/** 412: the channel is in a state the operation needs it not to be in (not answered yet …). */
export class AriInvalidState extends AriError {
  readonly code = 'ari_invalid_state' as const;
  override name = 'AriInvalidState';
}
/** 422: well-formed but impossible (unknown format, channel not in this bridge …). */
export class AriUnprocessable extends AriError {
  readonly code = 'ari_unprocessable' as const;
  override name = 'AriUnprocessable';
}
/** 500: Asterisk failed (`Allocation failed` for an unknown PJSIP endpoint, a missing spool directory …). */
export class AriServerError extends AriError {
  readonly code = 'ari_server_error' as const;
  override name = 'AriServerError';
}
/** 501: the operation is not implemented by this Asterisk. */
export class AriNotImplemented extends AriError {
  readonly code = 'ari_not_implemented' as const;
  override name = 'AriNotImplemented';
}
/** Asterisk cannot be reached: connection refused or reset, DNS failure, 502/503/504. */
export class AriUnavailable extends AriError {
  readonly code = 'ari_unavailable' as const;
  override name = 'AriUnavailable';
}
/** No complete answer within the request's time limit. The request may still have taken effect. */
export class AriTimeout extends AriError {
  readonly code = 'ari_timeout' as const;
  override name = 'AriTimeout';
}
/** An answer that is not what ARI documents: not JSON where JSON was due, a redirect, a wrong shape. */
export class AriProtocolError extends AriError {
  readonly code = 'ari_protocol_error' as const;
  override name = 'AriProtocolError';
}
/** A websocket message that is not an ARI event. */
export class AriMalformedEvent extends AriError {
  readonly code = 'ari_malformed_event' as const;
  override name = 'AriMalformedEvent';
}
/** A server definition that cannot work (URL with credentials, ftp://, empty user …). */
export class AriConfigError extends AriError {
  readonly code = 'ari_config_error' as const;
  override name = 'AriConfigError';
}

type AriErrorClass = new (what: string, details?: AriErrorDetails) => AriError;

/** The documented statuses (api-docs `errorResponses` and res_ari.c) and the class each maps to. */
const BY_STATUS: ReadonlyMap<number, AriErrorClass> = new Map<number, AriErrorClass>([
  [400, AriBadRequest],
  [401, AriUnauthorized],
  [403, AriForbidden],
  [404, AriNotFound],
  [409, AriConflict],
  [412, AriInvalidState],
  [422, AriUnprocessable],
  [500, AriServerError],
  [501, AriNotImplemented],
  // A proxy in front of Asterisk answers 502/504 when Asterisk is down: the same as unreachable.
  [502, AriUnavailable],
  [503, AriUnavailable],
  [504, AriUnavailable],
]);

/**
 * The error for a non-2xx answer. Unlisted 4xx are the caller's fault (bad request), unlisted 5xx
 * Asterisk's; anything else (1xx, 3xx) is not an ARI answer at all.
 */
export function errorForStatus(status: number, details: Omit<AriErrorDetails, 'status'>): AriError {
  const cls =
    BY_STATUS.get(status) ??
    (status >= 400 && status < 500
      ? AriBadRequest
      : status >= 500 && status < 600
        ? AriServerError
        : undefined);
  if (!cls) return new AriProtocolError('unexpected answer', { ...details, status });
  return new cls(status === 401 ? 'authentication failed' : 'request failed', { ...details, status });
}

/**
 * Asterisk's text from an error body: `{"message": …}` (ast_ari_response_error) or
 * `{"error": …}` (ast_ari_response_alloc_failed). Undefined for anything else.
 */
export function asteriskMessageOf(body: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const o = parsed as Record<string, unknown>;
  const text = typeof o.message === 'string' ? o.message : typeof o.error === 'string' ? o.error : undefined;
  return text === undefined ? undefined : text.slice(0, 500);
}
