import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  AriBadRequest,
  AriConflict,
  AriError,
  AriForbidden,
  AriInvalidState,
  AriNotFound,
  AriNotImplemented,
  AriProtocolError,
  AriServerError,
  AriUnauthorized,
  AriUnavailable,
  AriUnprocessable,
  asteriskMessageOf,
  errorForStatus,
} from './errors.js';

const where = { method: 'DELETE', path: '/channels/harness-1795261929.1221' };

test('each status Asterisk documents maps to its class and stable code', () => {
  const table: [number, new (...a: never[]) => AriError, string][] = [
    [400, AriBadRequest, 'ari_bad_request'],
    [401, AriUnauthorized, 'ari_unauthorized'],
    [403, AriForbidden, 'ari_forbidden'],
    [404, AriNotFound, 'ari_not_found'],
    [409, AriConflict, 'ari_conflict'],
    [412, AriInvalidState, 'ari_invalid_state'],
    [422, AriUnprocessable, 'ari_unprocessable'],
    [500, AriServerError, 'ari_server_error'],
    [501, AriNotImplemented, 'ari_not_implemented'],
    [502, AriUnavailable, 'ari_unavailable'],
    [503, AriUnavailable, 'ari_unavailable'],
    [504, AriUnavailable, 'ari_unavailable'],
  ];
  for (const [status, cls, code] of table) {
    const err = errorForStatus(status, { ...where, asteriskMessage: 'said' });
    assert.ok(err instanceof cls, `${status} → ${err.name}`);
    assert.ok(err instanceof AriError);
    assert.equal(err.code, code);
    assert.equal(err.status, status);
    assert.equal(err.method, 'DELETE');
    assert.equal(err.path, '/channels/harness-1795261929.1221');
    assert.equal(err.asteriskMessage, 'said');
    assert.match(err.message, new RegExp(`DELETE /channels/harness-1795261929\\.1221.*${status}.*said`));
  }
});

test("undocumented 4xx are the request's fault, 5xx the server's, anything else a protocol error", () => {
  assert.ok(errorForStatus(405, where) instanceof AriBadRequest);
  assert.ok(errorForStatus(413, where) instanceof AriBadRequest);
  assert.ok(errorForStatus(505, where) instanceof AriServerError);
  assert.ok(errorForStatus(302, where) instanceof AriProtocolError);
  assert.ok(errorForStatus(101, where) instanceof AriProtocolError);
});

test("Asterisk's text is read from both of its error body shapes", () => {
  assert.equal(asteriskMessageOf('{\n  "message": "Channel not found"\n}'), 'Channel not found');
  assert.equal(asteriskMessageOf('{\n  "error": "Allocation failed"\n}'), 'Allocation failed');
  assert.equal(asteriskMessageOf('<html>Bad Gateway</html>'), undefined);
  assert.equal(asteriskMessageOf('["message"]'), undefined);
  assert.equal(asteriskMessageOf('{"message": 42}'), undefined);
  assert.equal(asteriskMessageOf(JSON.stringify({ message: 'x'.repeat(2000) }))?.length, 500);
});
