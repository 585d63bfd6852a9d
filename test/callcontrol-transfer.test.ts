import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { startRig, waitFor, type Rig } from './helpers/callcontrol.js';

const status = async (client: Rig['agent']['client']) => (await client.get('/api/me/agent')).body.status;
const expectStatus = (client: Rig['agent']['client'], s: string) =>
  waitFor(`agent status ${s}`, async () => (await status(client)) === s);

// The flows are the same on both backends (calls-test covers PGlite); PostgreSQL only here.
describe('transfers through ARI', () => {
  let rig: Rig;
  before(async () => {
    rig = await startRig('postgres');
  });
  after(async () => rig.close());
  beforeEach(async () => {
    for (const a of [rig.agent, rig.other])
      await a.client.put('/api/me/agent/status', { status: 'available' });
    rig.fake.setEndpoint('PJSIP/carrier', { outcome: 'ring' });
  });

  /** A connected click-to-call of agent 1001 with a customer. */
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

  test('blind transfer to a number: the agent leaves at once, the customer hears music until the target answers and joins', async () => {
    const { id, agent, customer } = await connected();
    const res = await rig.agent.client.post(`/api/agent-calls/${id}/transfer`, {
      to: '+13105550123',
      mode: 'blind',
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    await waitFor('the agent leg hung up', () => !rig.fake.channel(agent.id));
    const target = await rig.legChannel(id, 'transfer');
    assert.equal(target.endpoint.resource, 'carrier');
    assert.equal(
      rig.fake.state.bridges.get(`cc-${id}`)?.channels.join(),
      customer.id,
      'the customer waits in the bridge',
    );
    await expectStatus(rig.agent.client, 'wrap_up');
    assert.equal((await rig.call(id)).state, 'connected', 'the agent leaving does not end the call');

    rig.fake.answer(target.id);
    await rig.bridged(id, [customer.id, target.id]);
    rig.fake.farHangup(customer.id);
    const ended = await rig.until(id, 'ended');
    assert.equal(ended.hangup_by, 'customer');
    await waitFor('the target hung up', () => !rig.fake.channel(target.id));
  });

  test('blind transfer to a target that does not answer ends the call with why', async () => {
    const { id, customer } = await connected();
    rig.fake.setEndpoint('PJSIP/carrier', { outcome: 'busy' });
    await rig.agent.client.post(`/api/agent-calls/${id}/transfer`, { to: '+13105550123', mode: 'blind' });
    const ended = await rig.until(id, 'ended');
    assert.equal(ended.end_cause, 'transfer_busy');
    await waitFor('the customer hung up', () => !rig.fake.channel(customer.id));
  });

  test('attended transfer to another agent: customer on hold, consultation, complete: the target has the customer, the agent leaves', async () => {
    const { id, agent, customer } = await connected();
    const res = await rig.agent.client.post(`/api/agent-calls/${id}/transfer`, {
      to: '1002',
      mode: 'attended',
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.legs.find((l: any) => l.role === 'customer').held, true);
    assert.ok(rig.fake.channel(customer.id)?.moh !== undefined, 'the customer hears music');
    assert.ok(rig.fake.channel(customer.id)?.muted.has('in'), 'and is not heard');
    const target = await rig.legChannel(id, 'consult');
    assert.equal(target.endpoint.resource, 'agent-1002');
    await expectStatus(rig.other.client, 'ringing');

    rig.fake.answer(target.id);
    await rig.bridged(id, [agent.id, target.id], `cc-${id}-consult`);
    await rig.bridged(id, [customer.id]);
    await expectStatus(rig.other.client, 'on_call');
    const second = await rig.agent.client.post(`/api/agent-calls/${id}/transfer`, {
      to: '+13105550123',
      mode: 'blind',
    });
    assert.equal(second.status, 409, 'one transfer at a time');

    const done = await rig.agent.client.post(`/api/agent-calls/${id}/transfer/complete`);
    assert.equal(done.status, 200, JSON.stringify(done.body));
    await rig.bridged(id, [customer.id, target.id]);
    await waitFor('the consult bridge gone', () => !rig.fake.state.bridges.has(`cc-${id}-consult`));
    await waitFor('the agent leg hung up', () => !rig.fake.channel(agent.id));
    assert.equal(rig.fake.channel(customer.id)?.moh, undefined);
    assert.equal(rig.fake.channel(customer.id)?.muted.size, 0);
    await expectStatus(rig.agent.client, 'wrap_up');
    const call = await rig.call(id);
    assert.equal(call.state, 'connected');
    assert.deepEqual(
      call.legs.map((l: any) => [l.role, l.state, l.held]),
      [
        ['agent', 'gone', false],
        ['customer', 'up', false],
        ['transfer', 'up', false],
      ],
    );

    rig.fake.farHangup(target.id);
    const ended = await rig.until(id, 'ended');
    assert.equal(ended.hangup_by, 'agent', 'our side hung up');
    assert.equal(ended.end_cause, 'transfer_target_hung_up');
    await waitFor('the customer hung up', () => !rig.fake.channel(customer.id));
    await expectStatus(rig.other.client, 'wrap_up');
  });

  test('attended transfer cancelled: the target is hung up, the agent is back with the customer, who is off hold', async () => {
    const { id, agent, customer } = await connected();
    await rig.agent.client.post(`/api/agent-calls/${id}/transfer`, { to: '+13105550123', mode: 'attended' });
    const target = await rig.legChannel(id, 'consult');
    rig.fake.answer(target.id);
    await rig.bridged(id, [agent.id, target.id], `cc-${id}-consult`);
    const res = await rig.agent.client.post(`/api/agent-calls/${id}/transfer/cancel`);
    assert.equal(res.status, 200);
    await waitFor('the target hung up', () => !rig.fake.channel(target.id));
    await rig.bridged(id, [agent.id, customer.id]);
    await waitFor('the customer off hold', async () => {
      const c = await rig.call(id);
      return (
        c.legs.find((l: any) => l.role === 'customer').held === false &&
        rig.fake.channel(customer.id)?.moh === undefined
      );
    });
    assert.equal(rig.fake.channel(customer.id)?.muted.size, 0);
    assert.equal((await rig.call(id)).state, 'connected');
    assert.equal((await rig.agent.client.post(`/api/agent-calls/${id}/transfer/complete`)).status, 409);
    await rig.agent.client.post(`/api/agent-calls/${id}/hangup`);
    await rig.until(id, 'ended');
  });

  test('the consulted party not answering puts the agent back with the customer', async () => {
    const { id, agent, customer } = await connected();
    rig.fake.setEndpoint('PJSIP/carrier', { outcome: 'noanswer' });
    await rig.agent.client.post(`/api/agent-calls/${id}/transfer`, { to: '+13105550123', mode: 'attended' });
    await waitFor(
      'the consultation gone',
      async () => (await rig.call(id)).legs.find((l: any) => l.role === 'consult')?.state === 'gone',
    );
    await rig.bridged(id, [agent.id, customer.id]);
    await waitFor('the customer off hold', async () => rig.fake.channel(customer.id)?.moh === undefined);
    await rig.agent.client.post(`/api/agent-calls/${id}/hangup`);
    await rig.until(id, 'ended');
  });

  test('the agent hanging up during an answered consultation hands the customer over', async () => {
    const { id, agent, customer } = await connected();
    await rig.agent.client.post(`/api/agent-calls/${id}/transfer`, { to: '1002', mode: 'attended' });
    const target = await rig.legChannel(id, 'consult');
    rig.fake.answer(target.id);
    await rig.bridged(id, [agent.id, target.id], `cc-${id}-consult`);
    rig.fake.farHangup(agent.id);
    await rig.bridged(id, [customer.id, target.id]);
    assert.equal((await rig.call(id)).state, 'connected');
    rig.fake.farHangup(customer.id);
    await rig.until(id, 'ended');
    await expectStatus(rig.other.client, 'wrap_up');
  });

  test('a transfer to an extension nobody has, or to an agent who is offline, is refused before anything is dialled', async () => {
    const { id } = await connected();
    const before = rig.originates();
    const nobody = await rig.agent.client.post(`/api/agent-calls/${id}/transfer`, {
      to: '1099',
      mode: 'blind',
    });
    assert.equal(nobody.status, 400);
    assert.match(nobody.body.error.message, /no agent has extension 1099/);
    await rig.other.client.put('/api/me/agent/status', { status: 'offline' });
    const offline = await rig.agent.client.post(`/api/agent-calls/${id}/transfer`, {
      to: '1002',
      mode: 'attended',
    });
    assert.equal(offline.status, 409);
    assert.match(offline.body.error.message, /extension 1002 cannot take a call now/);
    assert.equal(rig.originates(), before);
    const call = await rig.call(id);
    assert.equal(
      call.legs.find((l: any) => l.role === 'customer').held,
      false,
      'the customer is not left on hold',
    );
    await rig.agent.client.post(`/api/agent-calls/${id}/hangup`);
  });
});
