import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type ErrorCode } from '../shared/errors.js';
import { fromDbError, isUnavailable } from '../db/errors.js';

interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

function send(
  reply: FastifyReply,
  status: number,
  code: ErrorCode | string,
  message: string,
  details?: unknown,
) {
  const body: ErrorBody = { error: { code, message } };
  if (details !== undefined) body.error.details = details;
  return reply.status(status).type('application/json').send(body);
}

/** Maps every error to the one error shape `{"error":{"code","message","details"}}`. */
export function errorHandler(err: FastifyError | AppError | Error, req: FastifyRequest, reply: FastifyReply) {
  if (err instanceof AppError) {
    if (err.retryAfter !== undefined) void reply.header('Retry-After', String(err.retryAfter));
    return send(reply, err.status, err.code, err.message, err.details);
  }
  const fe = err as FastifyError;
  if (fe.validation) {
    const details = fe.validation.map((v) => ({
      path: `${fe.validationContext ?? ''}${v.instancePath}`,
      message:
        v.keyword === 'additionalProperties'
          ? `unknown field "${String((v.params as { additionalProperty?: string }).additionalProperty)}"`
          : (v.message ?? 'is invalid'),
    }));
    const first = details[0];
    return send(
      reply,
      400,
      'validation_failed',
      first ? `${first.path || 'request'} ${first.message}` : 'invalid request',
      details,
    );
  }
  const mapped = fromDbError(err);
  if (mapped) return send(reply, mapped.status, mapped.code, mapped.message, mapped.details);
  if (fe.statusCode !== undefined && fe.statusCode >= 400 && fe.statusCode < 500) {
    // Fastify's own client errors: malformed JSON, wrong content type, body too large …
    const code: ErrorCode =
      fe.statusCode === 413
        ? 'payload_too_large'
        : fe.statusCode === 415
          ? 'unsupported_media_type'
          : 'bad_request';
    return send(reply, fe.statusCode, code, fe.message);
  }
  if (isUnavailable(err)) {
    // PostgreSQL is restarting or out of reach: a defined, fast answer, and service resumes by
    // itself when it is back (docs/operations.md).
    req.log.warn({ err }, 'database unreachable');
    void reply.header('Retry-After', '2');
    return send(reply, 503, 'unavailable', 'the database is unreachable; try again shortly');
  }
  req.log.error({ err }, 'unhandled error');
  return send(reply, 500, 'internal', 'internal server error');
}

export function notFoundHandler(req: FastifyRequest, reply: FastifyReply) {
  return send(reply, 404, 'not_found', `no route for ${req.method} ${req.url.split('?')[0]}`);
}
