import { AppError } from '../shared/errors.js';

/** Messages for constraints a user can run into, keyed by constraint name. */
const CONSTRAINT_MESSAGES: Record<string, string> = {
  users_email_key: 'a user with this e-mail already exists',
  clients_identifier_key: 'a client with this client_identifier already exists',
  campaigns_seller_name_key: 'this seller already has a campaign with that name',
  dids_number_key: 'this number is already in the inventory',
  campaign_client_settings_campaign_id_client_id_key: 'this client is already linked to the campaign',
  agents_user_id_key: 'this user already has an agent extension',
  agents_extension_key: 'another agent already has this extension number',
  agents_endpoint_id_key: 'another agent already has this endpoint id',
  ps_endpoints_id_key: 'Asterisk already has a PJSIP endpoint with this id',
  ps_aors_id_key: 'Asterisk already has a PJSIP AOR with this id',
  ps_auths_id_key: 'Asterisk already has a PJSIP auth with this id',
};

interface PgError {
  code?: unknown;
  constraint?: unknown;
  detail?: unknown;
  table?: unknown;
}

/**
 * Maps PostgreSQL errors (the same SQLSTATE codes from `pg` and PGlite) to application errors,
 * the one place that knows SQLSTATE codes. Returns undefined for anything not a client's fault.
 */
export function fromDbError(err: unknown): AppError | undefined {
  const e = err as PgError;
  if (typeof e?.code !== 'string' || !/^[0-9A-Z]{5}$/.test(e.code)) return undefined;
  const constraint = typeof e.constraint === 'string' ? e.constraint : undefined;
  const details = constraint ? { constraint } : undefined;
  switch (e.code) {
    case '23505':
      return new AppError('conflict', (constraint && CONSTRAINT_MESSAGES[constraint]) ?? 'already exists', {
        details,
      });
    case '23503':
      return new AppError(
        'conflict',
        'still referenced by other records, or refers to a record that does not exist',
        {
          details,
        },
      );
    case '23514':
    case '23502':
      return new AppError(
        'validation_failed',
        `value violates a rule of the data model (${constraint ?? 'check'})`,
        {
          details,
        },
      );
    case '22021': // a NUL byte in text
    case '22P05': // \u0000 in JSON
      return new AppError(
        'bad_request',
        'a value contains a NUL character (\\u0000), which cannot be stored',
        { details },
      );
    case '22P02':
    case '22003':
    case '22007':
    case '22008':
      return new AppError('bad_request', 'a value is out of range or malformed', { details });
    default:
      return undefined;
  }
}

/** True for a unique violation of the named constraint (for services that want a specific message). */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = err as PgError;
  return e?.code === '23505' && (constraint === undefined || e.constraint === constraint);
}

/** True for errors that mean "the database is not reachable now" rather than "this request is bad". */
export function isUnavailable(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown };
  const code = typeof e?.code === 'string' ? e.code : '';
  if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH'].includes(code))
    return true;
  // 08xxx connection exceptions, 57P0x admin/crash shutdown, 53xxx out of resources
  if (/^(08|57P0|53)/.test(code)) return true;
  const msg = typeof e?.message === 'string' ? e.message : '';
  return /Connection terminated|timeout exceeded when trying to connect|Query read timeout|connection/i.test(
    msg,
  );
}
