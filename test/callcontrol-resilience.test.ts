import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { startRig, waitFor, type Rig } from './helpers/callcontrol.js';
import { callFlow } from './helpers/calls.js';
import { channelJson } from './helpers/fake-ari/state.js';
import { scenario } from './helpers/scenario.js';

/** What the fake records of a request path, to count the ones of one kind. */
const bridgeCreates = (rig: Rig) =>
  rig.fake.requests.filter((r) => r.method === 'POST' && r.path === '/bridges').length;

describe('call control when things go wrong (fake ARI, PostgreSQL)', () => {
  let rig: Rig;
  before(async () => {
    rig = await startRig('postgres');
  });
  after(async () => rig.close());
  beforeEach(async () => {
    rig.fake.intercept(undefined);
    for (const a of [rig.agent, rig.other])
      await a.client.put('/api/me/agent/status', { status: 'available' });
    rig.fake.setEndpoint('PJSIP/carrier', { outcome: 'ring' });
  });

  async function connected() {
    const res = await rig.agent.client.post('/api/agent-calls', { number: '+12125550151' });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const id: number = res.body.id;
    const agent = await rig.legChannel(id, 'agent');
    rig.fake.answer(agent.id);
    const customer = await rig.legChannel(id, 'customer');
    rig.fake.answer(customer.id);
    await rig.until(id, 'connected');
    await rig.bridged(id, [agent.id, customer.id]);
    return { id, agent, customer };
  }

  test('the websocket dropped mid-call: the hangup missed meanwhile is found by the re-read on reconnection, once', async () => {
    const { id, agent, customer } = await connected();
    rig.t.clock.advance(10_000);
    const reconnected = rig.fake.nextConnection(rig.app);
    // The customer hangs up while nobody listens: Asterisk sends the events to no one.
    rig.fake.dropWebsockets();
    rig.fake.farHangup(customer.id);
    await reconnected;
    const ended = await rig.until(id, 'ended');
    assert.equal(ended.hangup_by, 'customer');
    assert.equal(ended.end_cause, 'customer_hung_up');
    await waitFor('the agent hung up', () => !rig.fake.channel(agent.id));
    const legs = (await rig.call(id)).legs;
    assert.equal(legs.find((l: any) => l.role === 'customer').state, 'gone');
  });

  test('a call still up across a reconnection is left alone', async () => {
    const { id, customer } = await connected();
    rig.t.clock.advance(10_000);
    const reads = rig.fake.count('GET', '/endpoints');
    const reconnected = rig.fake.nextConnection(rig.app);
    rig.fake.dropWebsockets();
    await reconnected;
    // The re-read is over once it has listed the endpoints (its last request).
    await waitFor('the re-read after reconnecting', () => rig.fake.count('GET', '/endpoints') > reads);
    await rig.settle();
    const call = await rig.call(id);
    assert.equal(call.state, 'connected');
    rig.fake.farHangup(customer.id);
    await rig.until(id, 'ended');
  });

  test('duplicate and out-of-order events change nothing', async () => {
    const { id, agent, customer } = await connected();
    const creates = bridgeCreates(rig);
    const up = channelJson(rig.fake.channel(customer.id)!);
    // A second StasisStart for the customer (a retransmission): no second bridge, no new dial.
    const originates = rig.originates();
    rig.fake.inject(rig.app, { type: 'StasisStart', args: ['cc', String(id), 'customer'], channel: up });
    rig.fake.inject(rig.app, {
      type: 'StasisStart',
      args: ['cc', String(id), 'agent'],
      channel: channelJson(agent),
    });
    await rig.settle();
    assert.equal(bridgeCreates(rig), creates);
    assert.equal(rig.originates(), originates);
    assert.equal((await rig.call(id)).state, 'connected');
    // An event of a type CapConduit does not handle, and garbage on the socket.
    rig.fake.inject(rig.app, { type: 'ChannelTalkingStarted', channel: up });
    rig.fake.inject(rig.app, '{"not": "an event"');
    await rig.settle();
    rig.fake.farHangup(customer.id);
    const ended = await rig.until(id, 'ended');
    rig.fake.inject(rig.app, { type: 'ChannelDestroyed', cause: 17, cause_txt: 'User busy', channel: up });
    await rig.settle();
    const again = await rig.call(id);
    assert.equal(again.end_cause, ended.end_cause);
    assert.equal(again.ended_at, ended.ended_at);
  });

  test('ChannelDestroyed of the agent before their StasisStart: the call ends, the late StasisStart dials nobody', async () => {
    const res = await rig.agent.client.post('/api/agent-calls', { number: '+12125550151' });
    const id: number = res.body.id;
    const agent = await rig.legChannel(id, 'agent');
    const json = { ...channelJson(agent), state: 'Up' };
    rig.fake.inject(rig.app, {
      type: 'ChannelDestroyed',
      cause: 19,
      cause_txt: 'User alerting, no answer',
      channel: json,
    });
    const ended = await rig.until(id, 'ended');
    assert.equal(ended.end_cause, 'agent_no_answer');
    const originates = rig.originates();
    // The phone answers after all: Asterisk's StasisStart comes, CapConduit hangs the channel up.
    rig.fake.answer(agent.id);
    await waitFor('the late agent hung up', () => !rig.fake.channel(agent.id));
    assert.equal(rig.originates(), originates, 'the customer was never dialled');
  });

  test('404 races: a channel gone between an event and a request is not an error', async () => {
    const { id, agent, customer } = await connected();
    // The customer hangs up just as the agent does: DELETE of the customer answers 404.
    rig.fake.intercept((r) =>
      r.method === 'DELETE' && r.path === `/channels/${customer.id}`
        ? { status: 404, json: { message: 'Channel not found' } }
        : undefined,
    );
    const res = await rig.agent.client.post(`/api/agent-calls/${id}/hangup`);
    assert.equal(res.status, 200);
    assert.equal(res.body.state, 'ended');
    await waitFor('the agent hung up', () => !rig.fake.channel(agent.id));
    rig.fake.intercept(undefined);
    rig.fake.farHangup(customer.id);
    await rig.settle();
    assert.equal((await rig.call(id)).hangup_by, 'agent');
  });

  test('hold on a customer who just left answers 409 or 502 with a reason, never hangs', async () => {
    const { id, customer } = await connected();
    rig.fake.intercept((r) =>
      r.path === `/channels/${customer.id}/mute`
        ? { status: 404, json: { message: 'Channel not found' } }
        : undefined,
    );
    const res = await rig.agent.client.post(`/api/agent-calls/${id}/hold`, { on: true });
    assert.equal(res.status, 502);
    assert.match(res.body.error.message, /could not hold the customer: .*Channel not found/);
    rig.fake.intercept(undefined);
    await rig.agent.client.post(`/api/agent-calls/${id}/hangup`);
  });

  test(
    'an ARI request that hangs is a 502 within the time limit, not a hung request',
    { timeout: 20_000 },
    async () => {
      const { id, customer } = await connected();
      rig.fake.intercept((r) => (r.path === `/channels/${customer.id}/dtmf` ? 'hang' : undefined));
      const started = Date.now();
      const res = await rig.agent.client.post(`/api/agent-calls/${id}/dtmf`, { digits: '1' });
      assert.equal(res.status, 502);
      assert.ok(Date.now() - started < 8000);
      rig.fake.intercept(undefined);
      await rig.agent.client.post(`/api/agent-calls/${id}/hangup`);
    },
  );

  test('live channels repair routing state: an inbound call whose channel is gone gives its slot back', async () => {
    const sc = await scenario(rig.t.services, { links: [{ max_concurrency: 5 }] });
    const pbx = callFlow(rig.t.services, 'pbx1');
    await pbx.route('harness-1795300000.7', sc.did);
    const open = async () =>
      (
        await rig.t.db.query<{ state: string }>(
          `SELECT state FROM calls WHERE uniqueid = 'harness-1795300000.7'`,
        )
      ).rows[0]?.state;
    assert.equal(await open(), 'dialing');
    rig.t.clock.advance(60_000);
    // The next channel re-read (here: a reconnection) finds no such channel on pbx1.
    const reconnected = rig.fake.nextConnection(rig.app);
    rig.fake.dropWebsockets();
    await reconnected;
    await waitFor('the inbound call released', async () => (await open()) !== 'dialing');
    const row = (
      await rig.t.db.query<{ end_reason: string }>(
        `SELECT end_reason FROM calls WHERE uniqueid = 'harness-1795300000.7'`,
      )
    ).rows[0];
    assert.equal(row?.end_reason, 'channel_gone');
  });

  test('the phone unregisters: the agent is shown unregistered and an idle agent goes offline', async () => {
    // Asterisk sends endpoint events only to an application subscribed to them.
    assert.ok(rig.fake.state.subscriptions.get(rig.app)?.has('endpoint:PJSIP'), 'subscribed to the phones');
    rig.fake.setEndpoint('PJSIP/agent-1002', { state: 'offline' });
    rig.fake.inject(rig.app, {
      type: 'EndpointStateChange',
      endpoint: { technology: 'PJSIP', resource: 'agent-1002', state: 'offline', channel_ids: [] },
    });
    await waitFor(
      'unregistered',
      async () => (await rig.other.client.get('/api/me/agent')).body.registration === 'unregistered',
    );
    assert.equal((await rig.other.client.get('/api/me/agent')).body.status, 'offline');
    const refused = await rig.other.client.post('/api/agent-calls', { number: '+12125550151' });
    assert.equal(refused.status, 409);
    assert.match(refused.body.error.message, /not registered/);
    rig.fake.setEndpoint('PJSIP/agent-1002', { state: 'online' });
    rig.fake.inject(rig.app, {
      type: 'EndpointStateChange',
      endpoint: { technology: 'PJSIP', resource: 'agent-1002', state: 'online', channel_ids: [] },
    });
    await waitFor(
      'registered',
      async () => (await rig.other.client.get('/api/me/agent')).body.registration === 'registered',
    );
  });

  // Last: it removes the rig's server.
  test('calls past their maximum length are ended; one that cannot be ended does not hold up the others', async () => {
    const first = await connected();
    const res = await rig.other.client.post('/api/agent-calls', { number: '+12125550152' });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const second: number = res.body.id;
    // The first call's end fails in the database (as a row the statement cannot write would).
    await rig.t.db.query(`CREATE FUNCTION cc_test_refuse_end() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.id = ${first.id} AND NEW.state = 'ended' THEN RAISE EXCEPTION 'refused by the test'; END IF;
        RETURN NEW;
      END $$`);
    await rig.t.db.query(
      `CREATE TRIGGER cc_test_refuse_end BEFORE UPDATE ON calls FOR EACH ROW EXECUTE FUNCTION cc_test_refuse_end()`,
    );
    try {
      const max = Number(await rig.t.services.settings.value('calls.max_duration_seconds'));
      rig.t.clock.advance((max + 60) * 1000);
      assert.equal(await rig.t.services.callControl.core.expire(), 1);
      const ended = await rig.until(second, 'ended');
      assert.equal(ended.end_cause, 'expired');
      assert.equal(ended.hangup_by, 'system');
      assert.equal((await rig.call(first.id)).state, 'connected');
      // Tried again a minute later, not at every sweep meanwhile.
      assert.equal(await rig.t.services.callControl.core.expire(), 0);
      await rig.t.db.query('DROP TRIGGER cc_test_refuse_end ON calls');
      assert.equal(await rig.t.services.callControl.core.expire(), 0);
      rig.t.clock.advance(61_000);
      assert.equal(await rig.t.services.callControl.core.expire(), 1);
      const late = await rig.until(first.id, 'ended');
      assert.equal(late.end_cause, 'expired');
      await waitFor('both phones hung up', () => !rig.fake.channel(first.agent.id));
    } finally {
      await rig.t.db.query('DROP TRIGGER IF EXISTS cc_test_refuse_end ON calls');
      await rig.t.db.query('DROP FUNCTION IF EXISTS cc_test_refuse_end()');
    }
  });

  test('a server with a call in progress is not removed; once the call ended it is, and the call log keeps the call', async () => {
    const { id, customer } = await connected();
    const refused = await rig.admin.del(`/api/asterisk-servers/${rig.server.id}`);
    assert.equal(refused.status, 409);
    assert.match(refused.body.error.message, /1 call\(s\) in progress/);
    rig.fake.farHangup(customer.id);
    await rig.until(id, 'ended');
    const removed = await rig.admin.del(`/api/asterisk-servers/${rig.server.id}`);
    assert.equal(removed.status, 204);
    const kept = await rig.admin.get(`/api/agent-calls/${id}`);
    assert.equal(kept.status, 200);
    assert.equal(kept.body.server_id, null);
    assert.equal(kept.body.legs.length, 2);
    await waitFor('the connection given up', async () => rig.connector.holding().length === 0);
  });
});
