import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { createAriClient, type AriClient } from '../src/ari/client.js';
import {
  AriBadRequest,
  AriConfigError,
  AriNotImplemented,
  AriProtocolError,
  AriTimeout,
  AriUnavailable,
  AriUnprocessable,
  type AriError,
} from '../src/ari/errors.js';
import { startFakeAri, type FakeAri } from './helpers/fake-ari/index.js';
import { ManualTimers } from './helpers/manual-timers.js';

const rejection = (p: Promise<unknown>): Promise<AriError> =>
  p.then(
    () => assert.fail('expected a rejection'),
    (e: AriError) => e,
  );

/** Resolves once the fake has received `n` requests in all (the event loop turns; no clock is involved). */
async function requestsReached(fake: FakeAri, n: number): Promise<void> {
  while (fake.requests.length < n) await new Promise<void>((r) => setImmediate(r));
}

describe('the ARI client when the exchange itself goes wrong', () => {
  let fake: FakeAri;
  let timers: ManualTimers;
  let ari: AriClient;

  before(async () => {
    fake = await startFakeAri();
  });
  beforeEach(() => {
    fake.intercept(undefined);
    timers = new ManualTimers();
    ari = createAriClient({ ...fake.server, timeoutMs: 5000, timers });
  });
  after(() => fake.stop());

  test('no answer within the time limit is AriTimeout, naming the request', async () => {
    fake.intercept(() => 'hang');
    const pending = rejection(ari.channels.hangup('harness-1.1'));
    await requestsReached(fake, fake.requests.length + 1);
    timers.advance(4999);
    timers.advance(1);
    const err = await pending;
    assert.ok(err instanceof AriTimeout);
    assert.deepEqual(
      [err.code, err.method, err.path, err.status],
      ['ari_timeout', 'DELETE', '/channels/harness-1.1', undefined],
    );
    assert.equal(timers.pending, 0);
  });

  test('a connection reset or refused is AriUnavailable, with the system error named', async () => {
    fake.intercept(() => 'reset');
    assert.ok((await rejection(ari.asterisk.ping())) instanceof AriUnavailable);
    fake.intercept(undefined);
    await fake.refuseConnections();
    try {
      // The first may meet a kept-alive connection the server just closed (UND_ERR_SOCKET).
      assert.ok((await rejection(ari.channels.list())) instanceof AriUnavailable);
      const err = await rejection(ari.channels.list());
      assert.ok(err instanceof AriUnavailable);
      assert.match(err.message, /ECONNREFUSED/);
      assert.equal(timers.pending, 0, 'the time limit is cleared on failure too');
    } finally {
      await fake.acceptConnections();
    }
  });

  test('answers that are not what ARI documents are AriProtocolError', async () => {
    fake.intercept(() => ({ status: 200, text: '<html>proxy login</html>', type: 'text/html' }));
    assert.match((await rejection(ari.asterisk.info())).message, /not JSON/);
    fake.intercept(() => ({ status: 200, json: { id: 'x', name: 'PJSIP/x' } }));
    const shape = await rejection(ari.channels.get('x'));
    assert.ok(shape instanceof AriProtocolError);
    assert.match(shape.message, /answer\.protocol_id is missing/);
    fake.intercept(() => ({ status: 200, json: [{ name: 'r' }] }));
    assert.match((await rejection(ari.recordings.listStored())).message, /answer\[0\]\.format is missing/);
  });

  test('a redirect is never followed: an originate must not turn into a GET', async () => {
    fake.intercept(() => ({ status: 302, headers: { Location: '/ari/channels' } }));
    const before = fake.requests.length;
    const err = await rejection(ari.channels.originate({ endpoint: 'PJSIP/client1', app: 'cap' }));
    assert.ok(err instanceof AriProtocolError);
    assert.equal(err.status, 302);
    assert.equal(fake.requests.length, before + 1);
  });

  test('gateway and service errors are AriUnavailable, other statuses their own class, with either body shape', async () => {
    fake.intercept(() => ({ status: 502, text: '<html>Bad Gateway</html>', type: 'text/html' }));
    const gateway = await rejection(ari.asterisk.ping());
    assert.ok(gateway instanceof AriUnavailable);
    assert.deepEqual([gateway.status, gateway.asteriskMessage], [502, undefined]);
    fake.intercept(() => ({ status: 503, json: { message: 'Asterisk not booted' } }));
    assert.ok((await rejection(ari.asterisk.ping())) instanceof AriUnavailable);
    fake.intercept(() => ({ status: 501, json: { message: 'Method not implemented' } }));
    assert.ok((await rejection(ari.asterisk.ping())) instanceof AriNotImplemented);
    fake.intercept(() => ({ status: 422, json: { error: 'Event source does not exist' } }));
    const shaped = await rejection(ari.applications.subscribe('cap', 'channel:x'));
    assert.ok(shaped instanceof AriUnprocessable);
    assert.equal(shaped.asteriskMessage, 'Event source does not exist');
  });

  test('an id that would change the path is refused before anything is sent', async () => {
    const before = fake.requests.length;
    for (const id of ['', '.', '..'])
      assert.ok((await rejection(ari.channels.hangup(id))) instanceof AriBadRequest);
    assert.ok((await rejection(ari.recordings.getStoredFile('..'))) instanceof AriBadRequest);
    assert.equal(fake.requests.length, before);
    await ari.channels.get('a/b').catch(() => undefined);
    assert.equal(fake.requests.at(-1)!.path, '/channels/a%2Fb');
  });

  test('a server definition that cannot work fails at once with AriConfigError', () => {
    assert.throws(
      () => createAriClient({ url: 'ftp://pbx/ari', username: 'u', password: 'p' }),
      AriConfigError,
    );
    assert.throws(
      () => createAriClient({ url: 'http://u:p@pbx:8088', username: 'u', password: 'p' }),
      AriConfigError,
    );
    assert.throws(
      () => createAriClient({ url: 'http://pbx:8088', username: 'a:b', password: 'p' }),
      AriConfigError,
    );
    assert.throws(
      () => createAriClient({ url: 'http://pbx:8088', username: '', password: 'p' }),
      AriConfigError,
    );
  });
});
