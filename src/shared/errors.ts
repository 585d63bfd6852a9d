/**
 * The one catalogue of application errors. Services throw `AppError` with a stable code;
 * the HTTP error handler (and, later, the AGI layer) maps codes to responses. Nobody matches
 * on messages.
 */
export const ERROR_STATUS = {
  bad_request: 400,
  validation_failed: 400,
  unauthenticated: 401,
  invalid_credentials: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  /** An edit named a version (If-Match) the resource has moved past: someone else saved it first. */
  precondition_failed: 412,
  payload_too_large: 413,
  unsupported_media_type: 415,
  no_number_available: 409,
  too_many_requests: 429,
  internal: 500,
  /** Asterisk (ARI) refused or failed a request CapConduit made for the caller. */
  bad_gateway: 502,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface AppErrorOptions {
  details?: unknown;
  /** Seconds a client should wait before retrying (429, 503). */
  retryAfter?: number;
  cause?: unknown;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;
  readonly retryAfter: number | undefined;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.details = options.details;
    this.retryAfter = options.retryAfter;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export const notFound = (what: string, id?: unknown): AppError =>
  new AppError('not_found', id === undefined ? `${what} not found` : `${what} ${String(id)} not found`);

export const conflict = (message: string, details?: unknown): AppError =>
  new AppError('conflict', message, { details });

export const badRequest = (message: string, details?: unknown): AppError =>
  new AppError('bad_request', message, { details });

/**
 * A person's edit was made on a version someone else has since replaced. The message names both
 * versions; `details.version` is the current one (also what a GET's ETag now says).
 */
export const staleVersion = (what: string, current: number, given: number): AppError =>
  new AppError(
    'precondition_failed',
    `This ${what} was changed by someone else since you loaded it (version ${current}, you have ${given}). Reload to see their changes.`,
    { details: { version: current } },
  );
