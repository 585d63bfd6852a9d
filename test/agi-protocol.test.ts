import assert from 'node:assert/strict';
import { connect } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createAgiServer, type AgiHandler } from '../src/agi/server.js';
import { getVariable, setVariable, verbose, type AgiReply } from '../src/agi/protocol.js';
import { AgiCommandError } from '../src/agi/session.js';
import { loadCapture, replay, agiHeader } from './helpers/asterisk-peer.js';

const quiet = { info() {}, warn() {}, error() {}, debug() {} };

/** The probe the captures were recorded with, rewritten on our session API. */
function probe(results: unknown[]): AgiHandler {
  return async (session, req) => {
    results.push({
      script: req.script,
      did: req.query.get('did'),
      x: req.query.get('x'),
      args: req.args,
      uniqueid: req.env.uniqueid,
    });
    const run = async (cmd: string) => {
      try {
        const r: AgiReply = await session.command(cmd);
        results.push({ cmd, result: r.result, data: r.data });
      } catch (err) {
        results.push({ cmd, error: err instanceof AgiCommandError ? err.reply.code : String(err) });
      }
    };
    await run(getVariable('CHANNEL(state)'));
    await run(getVariable('NOSUCHVAR'));
    await run('GET FULL VARIABLE ${CALLERID(num)}-${EXTEN}');
    await run(setVariable('CC_TEST', 'a b "quoted" c'));
    await run(getVariable('CC_TEST'));
    await run(verbose('probe running'));
    await run('EXEC NoOp "hello,world"');
    await run('FOO BAR');
    await run('GET VARIABLE');
    await run('EXEC Answer');
    await run('EXEC Wait 3');
    await run(getVariable('CHANNEL(state)'));
    results.push({ hungUp: session.hungUp });
  };
}

describe('FastAGI protocol against recordings of a real Asterisk 22', () => {
  let server: Server;
  let port: number;
  const results: unknown[] = [];
  let slow: (() => void) | undefined;
  before(async () => {
    server = createAgiServer({
      handlers: {
        probe: probe(results),
        wait: async (session) => {
          await new Promise<void>((r) => (slow = r));
          await session.command(setVariable('X', '1'));
        },
      },
      allow: [],
      log: quiet,
      limits: { headerTimeoutMs: 300, commandTimeoutMs: 300, maxLineLength: 1024 },
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  test('a completed probe: the server writes exactly what was recorded and reads every reply right', async () => {
    results.length = 0;
    const steps = loadCapture('route-call-completes.txt');

    const written = await replay(port, steps);

    assert.deepEqual(
      written,
      steps.filter((s) => s.dir === 'out').map((s) => s.data),
    );
    assert.deepEqual(results[0], {
      script: 'probe',
      did: '15558880001',
      x: 'a b',
      args: ['arg1', 'arg two'],
      uniqueid: 'harness-1795261893.1218',
    });
    assert.deepEqual(results.slice(1, 6), [
      { cmd: 'GET VARIABLE CHANNEL(state)', result: '1', data: 'Ring' },
      { cmd: 'GET VARIABLE NOSUCHVAR', result: '0', data: undefined },
      { cmd: 'GET FULL VARIABLE ${CALLERID(num)}-${EXTEN}', result: '1', data: 'sipp-15558880001' },
      { cmd: 'SET VARIABLE CC_TEST "a b \\"quoted\\" c"', result: '1', data: undefined },
      { cmd: 'GET VARIABLE CC_TEST', result: '1', data: 'a b "quoted" c' },
    ]);
    assert.deepEqual(results[8], { cmd: 'FOO BAR', error: 510 });
    assert.deepEqual(results[9], { cmd: 'GET VARIABLE', error: 520 });
    // In this recording HANGUP comes only after the last reply, when the call ends later.
    assert.deepEqual(results.at(-1), { hungUp: false });
  });

  test('caller hangs up during the AGI: -1 from Wait, HANGUP before the next reply, still parsed', async () => {
    results.length = 0;
    const steps = loadCapture('route-caller-hangs-up-during-agi.txt');

    const written = await replay(port, steps);

    assert.deepEqual(
      written,
      steps.filter((s) => s.dir === 'out').map((s) => s.data),
    );
    assert.deepEqual(results.at(-3), { cmd: 'EXEC Wait 3', result: '-1', data: undefined });
    assert.deepEqual(results.at(-2), { cmd: 'GET VARIABLE CHANNEL(state)', result: '1', data: 'Up' });
    assert.deepEqual(results.at(-1), { hungUp: true });
  });

  test('the same conversation delivered one byte at a time parses the same', async () => {
    results.length = 0;
    const steps = loadCapture('route-call-completes.txt').flatMap((s) =>
      s.dir === 'in' ? [...s.data].map((ch) => ({ dir: 'in' as const, data: ch })) : [s],
    );
    await replay(port, steps);
    assert.equal(results.length, 14);
    assert.equal((results[1] as { data: string }).data, 'Ring');
    assert.equal((results[5] as { data: string }).data, 'a b "quoted" c');
  });

  const send = (payload: string | Buffer, hold = false) =>
    new Promise<{ closedMs: number; received: string }>((resolve) => {
      const start = performance.now();
      const s = connect(port, '127.0.0.1');
      let received = '';
      s.on('data', (d) => (received += d));
      s.on('error', () => undefined);
      s.on('close', () => resolve({ closedMs: performance.now() - start, received }));
      s.on('connect', () => {
        s.write(payload);
        if (!hold) s.end();
      });
    });

  test('garbage instead of a header is dropped without a reply', async () => {
    const r = await send('GET / HTTP/1.1\r\nHost: x\r\n\r\n', true);
    assert.equal(r.received, '');
  });

  test('an oversized line is dropped at once', async () => {
    const r = await send(`agi_network: yes\nagi_request: ${'x'.repeat(5000)}`, true);
    assert.ok(r.closedMs < 250, `closed after ${r.closedMs} ms`);
  });

  test('a silent peer is dropped after the header timeout', async () => {
    const r = await send('', true);
    assert.ok(r.closedMs >= 250 && r.closedMs < 1500, `closed after ${r.closedMs} ms`);
  });

  test('a peer that stops answering commands is dropped after the command timeout', async () => {
    const pending = send(agiHeader({ script: 'wait', uniqueid: 'u-silent' }), true);
    await new Promise((r) => setTimeout(r, 50));
    slow?.();
    const r = await pending;
    assert.equal(r.received, 'SET VARIABLE X "1"\n');
    assert.ok(r.closedMs < 1500);
  });

  test('a peer that disconnects mid-header or mid-command leaves the server serving', async () => {
    await send('agi_network: yes\nagi_netw');
    const pending = send(agiHeader({ script: 'wait', uniqueid: 'u-gone' }));
    await new Promise((r) => setTimeout(r, 20));
    slow?.();
    await pending;
    results.length = 0;
    await replay(port, loadCapture('route-call-completes.txt'));
    assert.equal(results.length, 14);
  });

  test('a handler that never finishes is cut off at the conversation deadline', async () => {
    const stuck = createAgiServer({
      handlers: { stuck: () => new Promise(() => undefined) },
      allow: [],
      log: quiet,
      maxConversationMs: 200,
    });
    await new Promise<void>((r) => stuck.listen(0, '127.0.0.1', r));
    const p = (stuck.address() as AddressInfo).port;
    const started = performance.now();
    await new Promise<void>((resolve) => {
      const s = connect(p, '127.0.0.1');
      s.on('error', () => undefined);
      s.on('close', () => resolve());
      s.on('connect', () => s.write(agiHeader({ script: 'stuck', uniqueid: 'u-stuck' })));
    });
    await new Promise<void>((res) => stuck.close(() => res()));
    assert.ok(performance.now() - started < 1000);
  });

  test('a connection from an address not on the allow-list is closed before reading', async () => {
    const guarded = createAgiServer({ handlers: { probe: probe([]) }, allow: ['10.1.2.0/24'], log: quiet });
    await new Promise<void>((r) => guarded.listen(0, '127.0.0.1', r));
    const p = (guarded.address() as AddressInfo).port;
    const r = await new Promise<string>((resolve) => {
      const s = connect(p, '127.0.0.1');
      let got = '';
      s.on('data', (d) => (got += d));
      s.on('error', () => undefined);
      s.on('close', () => resolve(got));
      s.on('connect', () => s.write(agiHeader({ script: 'probe', uniqueid: 'u1' })));
    });
    await new Promise<void>((res) => guarded.close(() => res()));
    assert.equal(r, '');
  });
});
