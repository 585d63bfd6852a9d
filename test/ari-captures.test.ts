import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createAriClient, type AriClient } from '../src/ari/client.js';
import { AriBadRequest, AriNotFound, AriServerError, type AriError } from '../src/ari/errors.js';
import { loadRestCapture, type RestExchange } from './helpers/ari-captures.js';

/**
 * Plays Asterisk's side of the captured REST exchanges byte for byte (status, content type,
 * body) and checks that the client sent exactly the captured request line and read the answer
 * as it should: the value for a 2xx, the error class, status and Asterisk's text otherwise.
 */
function replayServer(exchanges: RestExchange[]) {
  const seen: string[] = [];
  let next = 0;
  const server = createServer((req, res) => {
    const line = `${req.method} ${req.url}`;
    seen.push(line);
    const ex = exchanges[next];
    if (!ex || `${ex.method} ${ex.target}` !== line) {
      res.writeHead(599).end(`expected ${ex ? `${ex.method} ${ex.target}` : 'nothing'}`);
      return;
    }
    next++;
    const headers: Record<string, string> = { 'Content-Length': String(Buffer.byteLength(ex.body)) };
    if (ex.contentType) headers['Content-Type'] = ex.contentType;
    res.writeHead(ex.status, headers).end(ex.body);
  });
  return { server, seen, skip: () => void next++ };
}

const ERROR_CLASS: Record<number, new (...a: never[]) => AriError> = {
  400: AriBadRequest,
  404: AriNotFound,
  500: AriServerError,
};

async function check(
  ex: RestExchange,
  call: () => Promise<unknown>,
  value?: (body: any) => unknown,
): Promise<void> {
  const what = `${ex.method} ${ex.target}`;
  if (ex.status >= 400) {
    const err = await call().then(
      () => assert.fail(`${what} should fail`),
      (e: unknown) => e,
    );
    assert.ok(err instanceof ERROR_CLASS[ex.status]!, `${what}: ${String(err)}`);
    const body = JSON.parse(ex.body);
    assert.equal(err.status, ex.status);
    assert.equal(err.asteriskMessage, body.message ?? body.error);
    assert.equal(err.method, ex.method);
    assert.equal(err.path, ex.target.replace(/^\/ari/, '').replace(/\?.*$/, ''));
    return;
  }
  const got = await call();
  const expected = ex.body === '' ? undefined : (value ?? ((b: unknown) => b))(JSON.parse(ex.body));
  assert.deepEqual(got, expected, what);
}

describe('the client against the captured answers of Asterisk 22.10.1', () => {
  let server: Server;
  let replay: ReturnType<typeof replayServer>;
  let client: AriClient;

  async function start(name: string): Promise<RestExchange[]> {
    const exchanges = loadRestCapture(name);
    replay = replayServer(exchanges);
    server = replay.server;
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    // The trailing /ari/ must not matter (the requests still go to /ari/…).
    client = createAriClient({
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/ari/`,
      username: 'cap',
      password: 'x',
    });
    return exchanges;
  }
  const stop = () => new Promise<void>((r) => server.close(() => r()));

  describe('click-to-call, bridge, recording', () => {
    let ex: RestExchange[];
    before(async () => (ex = await start('click-to-call-bridge-record')));
    after(stop);

    test('every request goes out as captured and every answer reads as captured', async () => {
      const [a, b, br] = [
        'harness-1795261966.1226',
        'harness-1795261967.1227',
        'f0650002-22ba-4014-9a08-a0b166cfffb9',
      ];
      const leg = (appArgs: string) => ({
        endpoint: 'PJSIP/client1',
        app: 'cap',
        appArgs,
        callerId: '+12125550100',
        timeout: 10,
      });
      await check(ex[0]!, () => client.channels.originate(leg('agent-leg')));
      await check(ex[1]!, () => client.channels.originate(leg('customer-leg')));
      await check(ex[2]!, () => client.bridges.create({ type: 'mixing', name: 'call-1' }));
      await check(ex[3]!, () => client.bridges.addChannel(br, [a, b]));
      await check(ex[4]!, () =>
        client.bridges.record(br, { name: 'call-1-rec', format: 'wav', ifExists: 'overwrite' }),
      );
      await check(ex[5]!, () => client.recordings.stop('call-1-rec'));
      await check(ex[6]!, () => client.recordings.listStored());
      await check(ex[7]!, () => client.recordings.getStored('call-1-rec'));
      await check(ex[8]!, () => client.channels.hangup(b));
      await check(ex[9]!, () => client.channels.hangup(a));
      await check(ex[10]!, () => client.bridges.destroy(br));
      assert.deepEqual(
        replay.seen,
        ex.map((e) => `${e.method} ${e.target}`),
      );
    });
  });

  describe('originate, errors, inbound call sent back to the dialplan', () => {
    let ex: RestExchange[];
    before(async () => (ex = await start('originate-inbound-continue-errors')));
    after(stop);

    test('every request goes out as captured and every error maps to its class with Asterisk’s text', async () => {
      const [ch, br, inbound] = [
        'harness-1795261929.1221',
        '66aa41d8-917e-4155-972d-d4a2ebe08c3e',
        'harness-1795261938.1224',
      ];
      await check(ex[0]!, () => client.asterisk.info());
      await check(ex[1]!, () => client.applications.get('cap'));
      await check(ex[2]!, () =>
        client.channels.originate({
          endpoint: 'PJSIP/client1',
          app: 'cap',
          appArgs: 'outbound',
          callerId: '+12125550100',
          timeout: 10,
        }),
      );
      await check(ex[3]!, () => client.channels.list());
      await check(ex[4]!, () => client.channels.get(ch));
      await check(ex[5]!, () => client.bridges.create({ type: 'mixing', name: 'capbridge' }));
      await check(ex[6]!, () => client.bridges.addChannel(br, ch));
      // The spool had no recording directory: 500 {"message": "Internal Server Error"}.
      await check(ex[7]!, () =>
        client.bridges.record(br, { name: 'cap-rec', format: 'wav', ifExists: 'overwrite' }),
      );
      await check(ex[8]!, () => client.recordings.stop('cap-rec'));
      // The same cause lists stored recordings as 500 {"error": "Allocation failed"}.
      await check(ex[9]!, () => client.recordings.listStored());
      await check(ex[10]!, () => client.channels.setVariable(ch, 'CC_CALL', '42'));
      await check(
        ex[11]!,
        () => client.channels.getVariable(ch, 'CC_CALL'),
        (b) => b.value,
      );
      await check(ex[12]!, () => client.channels.hangup(ch, { reason: 'normal' }));
      await check(ex[13]!, () => client.channels.hangup(ch));
      await check(ex[14]!, () => client.bridges.destroy(br));
      await check(ex[15]!, () => client.channels.originate({ endpoint: 'PJSIP/nosuchendpoint', app: 'cap' }));
      await check(ex[16]!, () => client.channels.originate({ endpoint: 'BOGUS', app: 'cap' }));
      await check(ex[17]!, () => client.endpoints.get('PJSIP', 'client1'));
      replay.skip(); // GET /deviceStates: not an operation CapConduit uses.
      await check(ex[19]!, () => client.channels.answer(inbound));
      await check(ex[20]!, () =>
        client.channels.continueInDialplan(inbound, {
          context: 'from-carrier',
          extension: '15551230001',
          priority: 1,
        }),
      );
      assert.deepEqual(
        replay.seen,
        ex.filter((e) => e.target !== '/ari/deviceStates').map((e) => `${e.method} ${e.target}`),
      );
    });
  });
});
