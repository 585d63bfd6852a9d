import assert from 'node:assert/strict';
import { text } from 'node:stream/consumers';
import { after, before, describe, test } from 'node:test';
import { createAriClient, type AriClient } from '../src/ari/client.js';
import {
  AriBadRequest,
  AriConflict,
  AriInvalidState,
  AriNotFound,
  AriUnauthorized,
  AriUnprocessable,
  type AriError,
} from '../src/ari/errors.js';
import { openAriSocket, type AriSocket } from '../src/ari/socket.js';
import { EventLog } from './helpers/ari-events.js';
import { startFakeAri, type FakeAri } from './helpers/fake-ari/index.js';

/** The error a promise rejects with (the test fails if it resolves). */
const rejection = (p: Promise<unknown>): Promise<AriError> =>
  p.then(
    () => assert.fail('expected a rejection'),
    (e: AriError) => e,
  );

describe('the ARI client against the fake Asterisk', () => {
  let fake: FakeAri;
  let ari: AriClient;
  let socket: AriSocket;
  let log: EventLog;
  const event = (type: string, id: string) =>
    log.event((e) => e.type === type && (e as any).channel?.id === id);
  /** An inbound call in Stasis, answered: the state every media operation needs. */
  const answeredCall = async () => {
    const c = fake.inboundCall();
    await event('StasisStart', c.id);
    await ari.channels.answer(c.id);
    return c;
  };

  before(async () => {
    fake = await startFakeAri();
    ari = createAriClient({ ...fake.server, url: `${fake.url}/ari/` });
    log = new EventLog();
    socket = openAriSocket({ ...fake.server, app: 'cap', onEvent: log.onEvent, onError: log.onError });
    await fake.waitForConnection();
  });
  after(async () => {
    await socket.close();
    await fake.stop();
  });

  test('reads the server whichever way its URL was written, and refuses a wrong password', async () => {
    assert.equal(ari.baseUrl, `${fake.url}/ari`);
    assert.equal((await ari.asterisk.info()).config?.name, 'harness');
    assert.equal((await ari.asterisk.ping()).ping, 'pong');
    const err = await rejection(createAriClient({ ...fake.server, password: 'nope' }).asterisk.ping());
    assert.ok(err instanceof AriUnauthorized);
    assert.deepEqual(
      [err.code, err.status, err.asteriskMessage],
      ['ari_unauthorized', 401, 'Authentication required'],
    );
  });

  test('originate with our own id: POST /channels/{id}, variables set, the id then taken', async () => {
    const c = await ari.channels.originate({
      endpoint: 'PJSIP/client1',
      app: 'cap',
      appArgs: ['agent', 'call-7'],
      channelId: 'cc-call-7-a1',
      variables: { CC_CALL: '7' },
    });
    assert.equal(c.id, 'cc-call-7-a1');
    assert.equal(fake.requests.at(-1)!.path, '/channels/cc-call-7-a1');
    const start = await event('StasisStart', c.id);
    assert.deepEqual((start as any).args, ['agent', 'call-7']);
    assert.equal(await ari.channels.getVariable(c.id, 'CC_CALL'), '7');
    const again = await rejection(
      ari.channels.originate({ endpoint: 'PJSIP/client1', app: 'cap', channelId: c.id }),
    );
    assert.ok(again instanceof AriConflict);
    await ari.channels.hangup(c.id, { reason: 'busy' });
    assert.equal(((await event('ChannelDestroyed', c.id)) as any).cause, 17);
  });

  test('channel operations fail as Asterisk does: 404 gone, 409 not in Stasis, 412 not answered', async () => {
    fake.setEndpoint('PJSIP/client1', { outcome: 'ring' });
    const ringing = await ari.channels.originate({ endpoint: 'PJSIP/client1', app: 'cap' });
    await log.event((e) => e.type === 'Dial' && (e as any).dialstatus === 'RINGING');
    const notInStasis = await rejection(ari.channels.answer(ringing.id));
    assert.ok(notInStasis instanceof AriConflict);
    assert.equal(notInStasis.asteriskMessage, 'Channel not in Stasis application');
    await ari.channels.hangup(ringing.id, { reasonCode: 21 });
    assert.equal(((await event('ChannelDestroyed', ringing.id)) as any).cause, 21);
    assert.ok((await rejection(ari.channels.answer(ringing.id))) instanceof AriNotFound);

    const created = await ari.channels.create({ endpoint: 'PJSIP/client1', app: 'cap', appArgs: 'later' });
    await event('StasisStart', created.id);
    assert.ok((await rejection(ari.channels.hold(created.id))) instanceof AriInvalidState);
    await ari.channels.dial(created.id);
    fake.answer(created.id);
    await log.event(
      (e) => e.type === 'Dial' && (e as any).dialstatus === 'ANSWER' && (e as any).peer.id === created.id,
    );
    assert.ok((await rejection(ari.channels.dial(created.id))) instanceof AriConflict);
    await ari.channels.hold(created.id);
    assert.equal(fake.channel(created.id)!.held, true);
    const unset = await rejection(ari.channels.getVariable(created.id, 'NOPE'));
    assert.ok(unset instanceof AriNotFound && unset.asteriskMessage === 'Provided variable was not found');
    fake.setEndpoint('PJSIP/client1', { outcome: 'answer' });
  });

  test('media operations on an answered call reach Asterisk with their parameters', async () => {
    const c = await answeredCall();
    await ari.channels.ring(c.id);
    await ari.channels.ringStop(c.id);
    await ari.channels.unhold(c.id);
    await ari.channels.mute(c.id, 'in');
    await ari.channels.sendDtmf(c.id, '12#', { between: 200 });
    await ari.channels.startMoh(c.id, 'jazz');
    const ch = fake.channel(c.id)!;
    assert.deepEqual(
      [ch.ringing, ch.held, [...ch.muted], ch.dtmf, ch.moh],
      [false, false, ['in'], ['12#'], 'jazz'],
    );
    await ari.channels.unmute(c.id);
    await ari.channels.stopMoh(c.id);
    assert.deepEqual([[...ch.muted], ch.moh], [[], undefined]);
    assert.equal(fake.requests.find((r) => r.path.endsWith('/dtmf'))!.query, 'dtmf=12%23&between=200');
    await ari.channels.redirect(c.id, 'PJSIP/1002');
    assert.deepEqual(fake.redirects.at(-1), { channelId: c.id, endpoint: 'PJSIP/1002' });
    assert.ok((await rejection(ari.channels.redirect(c.id, 'SIP/1002'))) instanceof AriUnprocessable);
  });

  test('bridges: our id, channels in and out, and the errors of addChannel and removeChannel', async () => {
    const a = await answeredCall();
    const b = await answeredCall();
    const br = await ari.bridges.create({
      type: ['mixing', 'dtmf_events'],
      bridgeId: 'cc-bridge-1',
      name: 'call-1',
    });
    assert.deepEqual([br.id, br.bridge_type, br.channels], ['cc-bridge-1', 'mixing', []]);
    assert.ok((await rejection(ari.bridges.create({ bridgeId: 'cc-bridge-1' }))) instanceof AriConflict);
    await ari.bridges.addChannel(br.id, [a.id, b.id], { role: 'partner' });
    assert.deepEqual((await ari.bridges.get(br.id)).channels, [a.id, b.id]);
    assert.ok((await ari.bridges.list()).some((x) => x.id === br.id));
    const unknown = await rejection(ari.bridges.addChannel(br.id, 'no-such-channel'));
    assert.ok(unknown instanceof AriBadRequest && unknown.asteriskMessage === 'Channel not found');
    await ari.bridges.removeChannel(br.id, b.id);
    await event('ChannelLeftBridge', b.id);
    assert.ok((await rejection(ari.bridges.removeChannel(br.id, b.id))) instanceof AriUnprocessable);
    await ari.bridges.startMoh(br.id);
    await ari.bridges.stopMoh(br.id);
    await ari.bridges.destroy(br.id);
    await event('ChannelLeftBridge', a.id);
    assert.ok((await rejection(ari.bridges.destroy(br.id))) instanceof AriNotFound);
  });

  test('recordings: a live one controlled by name, then its file streamed with type and length', async () => {
    const c = await answeredCall();
    const rec = await ari.channels.record(c.id, { name: 'agent-7', format: 'wav', beep: true });
    assert.deepEqual([rec.state, rec.target_uri], ['queued', `channel:${c.id}`]);
    await log.event((e) => e.type === 'RecordingStarted');
    for (const op of ['pause', 'unpause', 'mute', 'unmute'] as const) await ari.recordings[op]('agent-7');
    assert.equal((await ari.recordings.getLive('agent-7')).state, 'recording');
    await ari.recordings.stop('agent-7');
    await log.event((e) => e.type === 'RecordingFinished');
    const taken = await rejection(ari.channels.record(c.id, { name: 'agent-7', format: 'wav' }));
    assert.ok(taken instanceof AriConflict, 'ifExists=fail by default');
    assert.ok(
      (await rejection(ari.channels.record(c.id, { name: 'x', format: 'mp9' }))) instanceof AriUnprocessable,
    );

    const file = await ari.recordings.getStoredFile('agent-7');
    const bytes = fake.state.stored.get('agent-7')!.bytes;
    assert.deepEqual([file.contentType, file.contentLength], ['audio/wav', bytes.length]);
    assert.deepEqual(Buffer.from(await new Response(file.body).arrayBuffer()), bytes);
    fake.addStoredRecording('older', 'wav', Buffer.from('RIFF-older'));
    assert.equal(await text((await ari.recordings.getStoredFile('older')).toNodeStream()), 'RIFF-older');
    await ari.recordings.deleteStored('older');
    assert.ok((await rejection(ari.recordings.getStoredFile('older'))) instanceof AriNotFound);
    await ari.channels.record(c.id, { name: 'dropped', format: 'wav' });
    await ari.recordings.cancel('dropped');
    assert.deepEqual(
      (await ari.recordings.listStored()).map((r) => r.name),
      ['agent-7'],
    );
  });

  test('applications, endpoints and playbacks', async () => {
    assert.equal((await ari.applications.get('cap')).name, 'cap');
    assert.ok((await rejection(ari.applications.get('other'))) instanceof AriNotFound);
    const subscribed = await ari.applications.subscribe('cap', 'endpoint:PJSIP/client1');
    assert.deepEqual(subscribed.endpoint_ids, ['PJSIP/client1']);
    assert.deepEqual(
      (await ari.applications.unsubscribe('cap', ['endpoint:PJSIP/client1'])).endpoint_ids,
      [],
    );
    assert.ok((await rejection(ari.applications.subscribe('cap', 'nope:x'))) instanceof AriBadRequest);
    assert.ok(
      (await rejection(ari.applications.subscribe('cap', 'channel:gone'))) instanceof AriUnprocessable,
    );
    assert.deepEqual(
      (await ari.endpoints.list()).map((e) => `${e.technology}/${e.resource}`),
      ['PJSIP/client1', 'PJSIP/carrier'],
    );
    assert.equal((await ari.endpoints.listByTech('PJSIP')).length, 2);
    assert.ok((await rejection(ari.endpoints.listByTech('SIP'))) instanceof AriNotFound);
    assert.ok((await rejection(ari.endpoints.get('PJSIP', 'nobody'))) instanceof AriNotFound);
    assert.ok((await rejection(ari.playbacks.get('none'))) instanceof AriNotFound);
    assert.ok((await rejection(ari.playbacks.stop('none'))) instanceof AriNotFound);
    assert.deepEqual(log.errors, []);
  });
});
