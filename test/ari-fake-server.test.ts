import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { createAriClient, type AriClient } from '../src/ari/client.js';
import { AriBadRequest, AriNotFound, AriServerError } from '../src/ari/errors.js';
import type { AriEvent } from '../src/ari/events.js';
import { openAriSocket, type AriSocket } from '../src/ari/socket.js';
import { loadEventCapture, loadRestCapture } from './helpers/ari-captures.js';
import { EventLog } from './helpers/ari-events.js';
import { startFakeAri, type FakeAri } from './helpers/fake-ari/index.js';

/**
 * The fake Asterisk against the captures: the same script gives the same requests, answers
 * of the same shape and the same events in the same order, field for field where it matters.
 */

/** Channel variables Asterisk sets for itself (bridging, RTP statistics): not sent by the fake. */
const NOISE_VARIABLE = /^(BRIDGEPEER|BRIDGEPVTCALLID|RTPAUDIOQOS)/;
const isSignal = (e: Record<string, any>) =>
  e.type !== 'ChannelConnectedLine' && !(e.type === 'ChannelVarset' && NOISE_VARIABLE.test(e.variable));

/** What must agree between Asterisk and the fake for each event, ids replaced by their order of appearance. */
function project(events: Record<string, any>[]): string[] {
  const names = new Map<string, string>();
  const name = (id: string | undefined) => {
    if (id === undefined) return '-';
    if (!names.has(id)) names.set(id, `#${names.size + 1}`);
    return names.get(id)!;
  };
  const rows = events.filter(isSignal).map((e) => {
    const ch = e.channel ?? e.peer;
    return JSON.stringify({
      type: e.type,
      ch: name(ch?.id),
      // The first Dial races the Ringing state change: its peer is Down or already Ringing.
      state: e.type === 'Dial' && e.dialstatus === '' ? undefined : ch?.state,
      app: ch ? `${ch.dialplan.app_name}(${ch.dialplan.app_data})` : undefined,
      bridge: e.bridge ? `${name(e.bridge.id)}:${e.bridge.channels.map(name).join(',')}` : undefined,
      rec: e.recording
        ? `${e.recording.name}:${e.recording.state}:${e.recording.target_uri.split(':')[0]}`
        : undefined,
      ...pick(e, ['dialstatus', 'dialstring', 'args', 'cause', 'cause_txt', 'soft', 'variable', 'value']),
      keys: Object.keys(e).sort().join(','),
    });
  });
  // Asterisk races the first Dial event and the Ringing state change: both orders were captured.
  for (let i = 0; i + 1 < rows.length; i++) {
    if (
      rows[i]!.includes('"state":"Ringing"') &&
      rows[i]!.includes('ChannelStateChange') &&
      rows[i + 1]!.includes('"dialstatus":""')
    ) {
      [rows[i], rows[i + 1]] = [rows[i + 1]!, rows[i]!];
    }
  }
  return rows;
}

function pick(o: Record<string, any>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]]));
}

/** Request lines with ids replaced in order of appearance, so two runs compare. */
function requestLines(lines: string[], ids: string[]): string[] {
  return lines.map((l) => ids.reduce((s, id, i) => s.split(id).join(`<${i}>`), l));
}

describe('the fake Asterisk replays the captured scenarios', () => {
  let fake: FakeAri;
  let client: AriClient;
  let socket: AriSocket;
  let log: EventLog;
  const on = (type: string, id?: string) =>
    log.event((e: AriEvent) => e.type === type && (id === undefined || (e as any).channel?.id === id));

  beforeEach(async () => {
    fake = await startFakeAri();
    client = createAriClient(fake.server);
    log = new EventLog();
    socket = openAriSocket({ ...fake.server, app: 'cap', onEvent: log.onEvent, onError: log.onError });
    await fake.waitForConnection('cap');
  });
  afterEach(async () => {
    await socket.close();
    await fake.stop();
  });

  test('click-to-call with a recorded bridge: same requests, same answers, same events', async () => {
    const leg = (appArgs: string) => ({
      endpoint: 'PJSIP/client1',
      app: 'cap',
      appArgs,
      callerId: '+12125550100',
      timeout: 10,
    });
    const a = await client.channels.originate(leg('agent-leg'));
    await on('StasisStart', a.id);
    const b = await client.channels.originate(leg('customer-leg'));
    await on('StasisStart', b.id);
    const br = await client.bridges.create({ type: 'mixing', name: 'call-1' });
    await client.bridges.addChannel(br.id, [a.id, b.id]);
    await log.event((e) => e.type === 'ChannelEnteredBridge' && (e as any).channel.id === b.id);
    const rec = await client.bridges.record(br.id, {
      name: 'call-1-rec',
      format: 'wav',
      ifExists: 'overwrite',
    });
    await on('RecordingStarted');
    await client.recordings.stop('call-1-rec');
    await on('RecordingFinished');
    const stored = await client.recordings.listStored();
    const one = await client.recordings.getStored('call-1-rec');
    await client.channels.hangup(b.id);
    await on('ChannelDestroyed', b.id);
    await client.channels.hangup(a.id);
    await on('ChannelDestroyed', a.id);
    await client.bridges.destroy(br.id);
    await on('BridgeDestroyed');

    const capture = loadRestCapture('click-to-call-bridge-record');
    const body = (i: number) => JSON.parse(capture[i]!.body);
    assert.deepEqual(Object.keys(a), Object.keys(body(0)), 'a channel has Asterisk’s fields in its order');
    assert.deepEqual(
      { ...a, id: '', name: '', protocol_id: '', creationtime: '' },
      { ...body(0), id: '', name: '', protocol_id: '', creationtime: '' },
    );
    assert.deepEqual({ ...br, id: '', creationtime: '' }, { ...body(2), id: '', creationtime: '' });
    assert.deepEqual({ ...rec, target_uri: '' }, { ...body(4), target_uri: '' });
    assert.deepEqual([stored, one], [body(6), body(7)]);
    const captured = requestLines(
      capture.map((e) => `${e.method} ${e.target.replace(/^\/ari/, '')}`),
      ['harness-1795261966.1226', 'harness-1795261967.1227', 'f0650002-22ba-4014-9a08-a0b166cfffb9'],
    );
    const sent = requestLines(
      fake.requests.map((r) => `${r.method} ${r.path}${r.query ? `?${r.query}` : ''}`),
      [a.id, b.id, br.id],
    );
    assert.deepEqual(sent, captured);
    assert.deepEqual(project(log.events as any), project(loadEventCapture('click-to-call-bridge-record')));
    assert.deepEqual(log.errors, []);
  });

  test('originate, error answers, an inbound call sent back to the dialplan: same events', async () => {
    fake.setSpoolWritable(false);
    await client.asterisk.info();
    await client.applications.get('cap');
    const ch = await client.channels.originate({
      endpoint: 'PJSIP/client1',
      app: 'cap',
      appArgs: 'outbound',
      callerId: '+12125550100',
      timeout: 10,
    });
    await on('StasisStart', ch.id);
    assert.deepEqual(
      (await client.channels.list()).map((c) => c.state),
      ['Up'],
    );
    assert.equal((await client.channels.get(ch.id)).dialplan.app_data, 'cap,outbound');
    const br = await client.bridges.create({ type: 'mixing', name: 'capbridge' });
    await client.bridges.addChannel(br.id, ch.id);
    await on('ChannelEnteredBridge', ch.id);
    const failed = (p: Promise<unknown>) =>
      p.then(
        () => assert.fail('should fail'),
        (e: unknown) => e as any,
      );
    const record = await failed(
      client.bridges.record(br.id, { name: 'cap-rec', format: 'wav', ifExists: 'overwrite' }),
    );
    assert.ok(record instanceof AriServerError && record.asteriskMessage === 'Internal Server Error');
    assert.ok((await failed(client.recordings.stop('cap-rec'))) instanceof AriNotFound);
    const list = await failed(client.recordings.listStored());
    assert.ok(list instanceof AriServerError && list.asteriskMessage === 'Allocation failed');
    await client.channels.setVariable(ch.id, 'CC_CALL', '42');
    await log.event((e) => e.type === 'ChannelVarset' && (e as any).variable === 'CC_CALL');
    assert.equal(await client.channels.getVariable(ch.id, 'CC_CALL'), '42');
    await client.channels.hangup(ch.id, { reason: 'normal' });
    await on('ChannelDestroyed', ch.id);
    const gone = await failed(client.channels.hangup(ch.id));
    assert.ok(gone instanceof AriNotFound && gone.asteriskMessage === 'Channel not found');
    await client.bridges.destroy(br.id);
    await on('BridgeDestroyed');
    const unknown = await failed(client.channels.originate({ endpoint: 'PJSIP/nosuchendpoint', app: 'cap' }));
    assert.ok(unknown instanceof AriServerError && unknown.asteriskMessage === 'Allocation failed');
    const bogus = await failed(client.channels.originate({ endpoint: 'BOGUS', app: 'cap' }));
    assert.ok(bogus instanceof AriBadRequest && bogus.asteriskMessage === 'Invalid endpoint specified');
    assert.deepEqual(await client.endpoints.get('PJSIP', 'client1'), {
      technology: 'PJSIP',
      resource: 'client1',
      state: 'online',
      channel_ids: [],
    });
    const inbound = fake.inboundCall({ args: ['inbound'], exten: '7001' });
    await on('StasisStart', inbound.id);
    await client.channels.answer(inbound.id);
    await on('ChannelStateChange', inbound.id);
    await client.channels.continueInDialplan(inbound.id, {
      context: 'from-carrier',
      extension: '15551230001',
      priority: 1,
    });
    await on('StasisEnd', inbound.id);

    const capture = loadRestCapture('originate-inbound-continue-errors').filter(
      (e) => e.target !== '/ari/deviceStates',
    );
    const captured = requestLines(
      capture.map((e) => `${e.method} ${e.target.replace(/^\/ari/, '')}`),
      ['harness-1795261929.1221', '66aa41d8-917e-4155-972d-d4a2ebe08c3e', 'harness-1795261938.1224'],
    );
    const sent = requestLines(
      fake.requests.map((r) => `${r.method} ${r.path}${r.query ? `?${r.query}` : ''}`),
      [ch.id, br.id, inbound.id],
    );
    assert.deepEqual(sent, captured);
    assert.deepEqual(
      project(log.events as any),
      project(loadEventCapture('originate-inbound-continue-errors')),
    );
  });
});
