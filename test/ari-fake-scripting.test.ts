import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createAriClient, type AriClient } from '../src/ari/client.js';
import { AriServerError } from '../src/ari/errors.js';
import type { AriEvent } from '../src/ari/events.js';
import { openAriSocket, type AriSocket } from '../src/ari/socket.js';
import { EventLog, describe as label } from './helpers/ari-events.js';
import { startFakeAri, type DialOutcome, type FakeAri } from './helpers/fake-ari/index.js';

/** The scripted far ends of the fake Asterisk, as the connector will see them. */
describe('scripting the fake Asterisk', () => {
  let fake: FakeAri;
  let ari: AriClient;
  let socket: AriSocket;
  let log: EventLog;
  const about = (id: string) => (e: AriEvent) => ((e as any).channel ?? (e as any).peer)?.id === id;
  const ended = (id: string) => log.event((e) => e.type === 'ChannelDestroyed' && about(id)(e));

  async function dial(outcome: DialOutcome): Promise<string> {
    fake.setEndpoint('PJSIP/client1', { outcome });
    const c = await ari.channels.originate({ endpoint: 'PJSIP/client1', app: 'cap', appArgs: 'x' });
    return c.id;
  }

  before(async () => {
    fake = await startFakeAri();
    ari = createAriClient(fake.server);
    log = new EventLog();
    socket = openAriSocket({ ...fake.server, app: 'cap', onEvent: log.onEvent, onError: log.onError });
    await fake.waitForConnection();
  });
  after(async () => {
    await socket.close();
    await fake.stop();
  });

  test('busy, no answer and failures end the dial as main/dial.c reports them', async () => {
    const cases: [DialOutcome, string[], number, string][] = [
      ['busy', ['Dial()', 'Dial(BUSY)'], 17, 'User busy'],
      [
        'noanswer',
        ['Dial()', 'ChannelStateChange(Ringing)', 'Dial(RINGING)'],
        19,
        'User alerting, no answer',
      ],
      [{ fail: 34 }, ['Dial()', 'Dial(CONGESTION)'], 34, 'Circuit/channel congestion'],
      [{ fail: 20 }, ['Dial()', 'Dial(CHANUNAVAIL)'], 20, 'Subscriber absent'],
      [{ fail: 1 }, ['Dial()', 'Dial(NOANSWER)'], 1, 'Unallocated (unassigned) number'],
    ];
    for (const [outcome, dials, cause, text] of cases) {
      const id = await dial(outcome);
      const destroyed = (await ended(id)) as any;
      assert.deepEqual(log.types(about(id)), [...dials, 'ChannelDestroyed'], JSON.stringify(outcome));
      assert.deepEqual([destroyed.cause, destroyed.cause_txt], [cause, text]);
      assert.equal(fake.channel(id), undefined);
    }
  });

  test('a ringing dial waits for the test: answered, or refused with a cause', async () => {
    const answered = await dial('ring');
    await log.event((e) => e.type === 'Dial' && (e as any).dialstatus === 'RINGING' && about(answered)(e));
    fake.answer(answered);
    await log.event((e) => e.type === 'StasisStart' && about(answered)(e));
    const refused = await dial('ring');
    await log.event((e) => e.type === 'Dial' && (e as any).dialstatus === 'RINGING' && about(refused)(e));
    fake.reject(refused, 21);
    assert.equal(((await ended(refused)) as any).cause, 21);
    fake.farHangup(answered);
    await ended(answered);
    assert.deepEqual(log.types(about(answered)).slice(-4), [
      'ChannelHangupRequest',
      'StasisEnd',
      'ChannelVarset(STASISSTATUS)',
      'ChannelDestroyed',
    ]);
    const request = log.events.find((e) => e.type === 'ChannelHangupRequest' && about(answered)(e)) as any;
    assert.deepEqual([request.cause, request.soft], [16, undefined], 'a far-end hangup is not a soft one');
    fake.setEndpoint('PJSIP/client1', { outcome: 'answer' });
  });

  test('a bridge destroyed with channels in it lets them go first; they stay in Stasis', async () => {
    const a = await dial('answer');
    await log.event((e) => e.type === 'StasisStart' && about(a)(e));
    const br = await ari.bridges.create({ name: 'x' });
    await ari.bridges.addChannel(br.id, a);
    await ari.bridges.destroy(br.id);
    await log.event((e) => e.type === 'BridgeDestroyed' && (e as any).bridge.id === br.id);
    const tail = log.events.slice(-3).map((e) => label(e));
    assert.deepEqual(tail, ['ChannelEnteredBridge', 'ChannelLeftBridge', 'BridgeDestroyed']);
    assert.equal(fake.channel(a)!.inStasis, true);
    await ari.channels.hangup(a);
    await ended(a);
  });

  test('requests are counted, and a spool without its recording directory fails as captured', async () => {
    const before = fake.count('POST', '/channels');
    await dial('busy');
    assert.equal(fake.count('POST', '/channels'), before + 1);
    fake.setSpoolWritable(false);
    const err = await ari.recordings.listStored().catch((e: unknown) => e);
    assert.ok(err instanceof AriServerError && err.asteriskMessage === 'Allocation failed');
    fake.setSpoolWritable(true);
    fake.setEndpoint('PJSIP/client1', { outcome: 'answer' });
  });
});
