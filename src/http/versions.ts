import { Type } from 'typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { badRequest } from '../shared/errors.js';
import { ErrorResponse, errorResponses } from './schemas.js';

/**
 * Optimistic concurrency over HTTP. A GET of an editable resource answers `ETag: "<version>"` and
 * `version` in the body; a PATCH/PUT/DELETE with `If-Match: "<version>"` is applied only if the
 * resource is still at that version, else 412 with the current one. Without If-Match the change is
 * applied whatever the version (last write wins), as before versions existed.
 *
 * The ETag is strong: If-Match compares strongly (RFC 9110 §13.1.1), so a weak tag could never
 * match. It validates the resource's editable state (what a person can change), not the live
 * counters shown next to it, which the call path moves on every call; it is a precondition for
 * edits and never answers a conditional GET (no If-None-Match / 304).
 */

export const Version = Type.Integer({
  description:
    'Bumped by every change a person makes (not by calls moving counters); sent back as `If-Match: "<version>"` (also the ETag)',
});

export const IfMatchHeaders = Type.Object({
  'if-match': Type.Optional(
    Type.String({
      maxLength: 40,
      description:
        'The ETag of the GET you edited from, e.g. `"3"`: the change is refused with 412 if someone else saved a newer version since. Absent (or `*`): last write wins.',
    }),
  ),
});

/** The answers of a versioned edit: the usual errors, and 412 when If-Match names an old version. */
export const versionedResponses = { ...errorResponses, 412: ErrorResponse };

const TAG = /^"(\d{1,9})"$/;

/** The version If-Match names; undefined when it is absent or `*` (no precondition). */
export function expectedVersion(req: FastifyRequest): number | undefined {
  const raw = req.headers['if-match'];
  if (raw === undefined) return undefined;
  const value = (Array.isArray(raw) ? raw.join(',') : raw).trim();
  if (value === '*') return undefined;
  const m = TAG.exec(value);
  if (!m) {
    throw badRequest(
      'If-Match must be the one strong ETag a GET of this resource answered, e.g. "3" (quotes included)',
    );
  }
  return Number(m[1]);
}

/** Sets the ETag of a versioned resource on the reply and returns the resource, for `return`. */
export function withEtag<T extends { version: number }>(reply: FastifyReply, row: T): T {
  void reply.header('etag', `"${row.version}"`);
  return row;
}
