import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { AriMalformedEvent, AriTimeout, AriUnauthorized, AriUnavailable } from '../src/ari/errors.js';
import { isKnownEvent } from '../src/ari/events.js';
import type { AriSocket, AriSocketOptions } from '../src/ari/socket.js';
import { socketHarness as harness } from './helpers/ari-socket-harness.js';
import { startFakeAri, type FakeAri } from './helpers/fake-ari/index.js';

describe('the ARI event websocket', () => {
  let fake: FakeAri;
  const sockets: AriSocket[] = [];
  const open = (extra?: Partial<AriSocketOptions>) => {
    const h = harness(fake, extra);
    sockets.push(h.socket);
    return h;
  };

  beforeEach(async () => {
    fake = await startFakeAri();
  });
  afterEach(async () => {
    await Promise.all(sockets.splice(0).map((s) => s.close()));
    await fake.stop();
  });

  test('events arrive in order, unknown types included; a malformed message is reported and the connection stays', async () => {
    const h = open();
    await h.opened(1);
    const call = fake.inboundCall({ args: ['inbound'] });
    fake.inject('cap', { type: 'ChannelTalkingStarted', channel: { id: call.id } });
    fake.inject('cap', 'not json');
    fake.inject('cap', '{"type":"StasisEnd","application":"cap","timestamp":"t"}');
    fake.farHangup(call.id);
    // A channel the dialplan sent into Stasis is heard of only while there: its hangup ends with
    // StasisEnd (as on Asterisk 22), no ChannelDestroyed follows.
    await h.log.event((e) => e.type === 'StasisEnd' && 'channel' in e);
    assert.deepEqual(h.log.types(), [
      'StasisStart',
      'ChannelTalkingStarted',
      'ChannelHangupRequest',
      'StasisEnd',
    ]);
    assert.equal(isKnownEvent(h.log.events[1]!), false);
    assert.equal(h.log.errors.length, 2);
    assert.ok(h.log.errors.every((e) => e instanceof AriMalformedEvent));
    assert.equal(h.socket.state, 'open');
  });

  test('duplicates and events out of order are delivered as received (the connector decides)', async () => {
    const h = open();
    await h.opened(1);
    const call = fake.inboundCall();
    const start = fake.hub.sent.at(-1)!.event;
    const end = { ...start, type: 'StasisEnd', args: undefined };
    for (const e of [end, start, start]) fake.inject('cap', JSON.stringify(e));
    await fake.flush();
    assert.deepEqual(h.log.types(), ['StasisStart', 'StasisEnd', 'StasisStart', 'StasisStart']);
    assert.ok(h.log.events.every((e) => (e as any).channel.id === call.id));
  });

  test('events that arrive while onOpen is still running wait for it', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const h = open({ onOpen: () => gate });
    await fake.waitForConnection();
    fake.inboundCall();
    await fake.flush();
    assert.deepEqual(h.log.events, [], 'nothing delivered before onOpen settles');
    release();
    await h.log.event((e) => e.type === 'StasisStart');
  });

  test('an async onEvent holds the next event; one that throws is reported and the next still comes', async () => {
    const seen: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const errors: unknown[] = [];
    const h = open({
      onEvent: async (e) => {
        seen.push(`start ${e.type}`);
        if (e.type === 'A') await gate;
        if (e.type === 'B') throw new Error('handler failed');
        seen.push(`end ${e.type}`);
      },
      onError: (err) => {
        errors.push(err);
        throw new Error('and so did the error callback');
      },
    });
    await fake.waitForConnection();
    for (const type of ['A', 'B', 'C']) fake.inject('cap', { type });
    await fake.flush();
    assert.deepEqual(seen, ['start A']);
    release();
    while (seen.length < 5) await new Promise<void>((r) => setImmediate(r));
    assert.deepEqual(seen, ['start A', 'end A', 'start B', 'start C', 'end C']);
    assert.equal((errors[0] as Error).message, 'handler failed');
    assert.equal(h.socket.state, 'open');
  });

  test('pings keep a live connection; a missing pong within the limit ends it and it reconnects', async () => {
    const h = open();
    await h.opened(1);
    h.timers.advance(1000);
    await h.timers.nextSet(); // the pong arrived: the next ping is scheduled
    assert.equal(fake.hub.pings, 1);
    h.timers.advance(1000);
    await h.timers.nextSet();
    assert.equal(fake.hub.pings, 2);
    assert.equal(h.log.errors.length, 0);

    fake.setPongs(false);
    h.timers.advance(1000);
    h.timers.advance(499);
    assert.equal(h.socket.state, 'open', 'not dead before the limit');
    h.timers.advance(1);
    await h.closed(1);
    assert.ok(h.log.errors[0] instanceof AriTimeout);
    assert.match((h.log.errors[0] as Error).message, /no pong within 500 ms/);
    assert.equal(h.closes[0]!.reconnectInMs, 250);
    fake.setPongs(true);
    h.timers.advance(250);
    await h.opened(2);
  });

  test('while Asterisk is down the retries back off exponentially with jitter; after a good connection they start over', async () => {
    const h = open();
    await h.opened(1);
    await fake.refuseConnections();
    await h.closed(1);
    for (const [i, delay] of [250, 500, 1000, 2000, 2000].entries()) {
      assert.equal(h.closes[i]!.reconnectInMs, delay, `retry ${i + 1}`);
      assert.equal(h.socket.state, 'waiting');
      h.timers.advance(delay);
      await h.closed(i + 2);
      assert.ok(h.log.errors.at(-1) instanceof AriUnavailable);
    }
    assert.match((h.log.errors.at(-1) as Error).message, /ECONNREFUSED/);
    await fake.acceptConnections();
    h.timers.advance(h.closes.at(-1)!.reconnectInMs!);
    await h.opened(2);
    const before = h.closes.length;
    fake.dropWebsockets();
    await h.closed(before + 1);
    assert.equal(h.closes.at(-1)!.reconnectInMs, 250, 'the backoff starts over after a connection');
  });

  test('a connection that never completes is given up after the connect timeout', async () => {
    const held = new Set<Socket>();
    const silent: Server = createServer((s) => {
      held.add(s);
      s.on('error', () => undefined);
    });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const h = open({ url: `http://127.0.0.1:${(silent.address() as AddressInfo).port}` });
    while (held.size === 0) await new Promise<void>((r) => setImmediate(r));
    h.timers.advance(2999);
    assert.equal(h.socket.state, 'connecting');
    h.timers.advance(1);
    await h.closed(1);
    assert.ok(h.log.errors[0] instanceof AriTimeout);
    assert.equal(h.log.errors.length, 1, 'one failure, one report');
    await h.socket.close();
    for (const s of held) s.destroy();
    await new Promise<void>((r) => silent.close(() => r()));
  });

  test('a refused login is reported with Asterisk’s status and text, and retried', async () => {
    const h = open({ password: 'wrong' });
    await h.closed(1);
    const err = h.log.errors[0];
    assert.ok(err instanceof AriUnauthorized);
    assert.equal(err.status, 401);
    assert.equal(err.asteriskMessage, 'Authentication required');
    assert.equal(h.log.errors.length, 1);
    assert.equal(h.closes[0]!.reconnectInMs, 250);
  });

  test('close() stops for good: no timer left, no reconnection', async () => {
    const h = open();
    await h.opened(1);
    await h.socket.close();
    assert.equal(h.socket.state, 'closed');
    assert.equal(h.timers.pending, 0);
    const upgrades = fake.hub.upgrades;
    h.timers.advance(60_000);
    fake.inboundCall();
    assert.equal(fake.hub.upgrades, upgrades);
    assert.equal(h.closes.at(-1)!.reconnectInMs, undefined);

    const waiting = open();
    await waiting.opened(1);
    await fake.refuseConnections();
    await waiting.closed(1);
    await waiting.socket.close();
    assert.equal(waiting.timers.pending, 0);
    await fake.acceptConnections();
  });

  test('a second connection for the same application replaces the first, which is told so', async () => {
    const first = open();
    await first.opened(1);
    const second = open();
    await second.opened(1);
    await first.log.event((e) => e.type === 'ApplicationReplaced');
    fake.inboundCall();
    await second.log.event((e) => e.type === 'StasisStart');
    await fake.flush();
    assert.deepEqual(first.log.types(), ['ApplicationReplaced']);
  });
});

test('several PBXs: each socket hears only its own Asterisk', async () => {
  const [a, b] = await Promise.all([
    startFakeAri({ systemName: 'pbx-a' }),
    startFakeAri({ systemName: 'pbx-b' }),
  ]);
  const ha = harness(a);
  const hb = harness(b);
  await Promise.all([ha.opened(1), hb.opened(1)]);
  const callA = a.inboundCall();
  const callB = b.inboundCall();
  await ha.log.event((e) => e.type === 'StasisStart');
  await hb.log.event((e) => e.type === 'StasisStart');
  assert.match(callA.id, /^pbx-a-/);
  assert.deepEqual(
    ha.log.events.map((e) => (e as any).channel.id),
    [callA.id],
  );
  assert.deepEqual(
    hb.log.events.map((e) => (e as any).channel.id),
    [callB.id],
  );
  await Promise.all([ha.socket.close(), hb.socket.close()]);
  await Promise.all([a.stop(), b.stop()]);
});
