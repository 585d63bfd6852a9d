import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { backends } from './helpers/db.js';
import { startRig, waitFor, type Rig } from './helpers/callcontrol.js';
import { channelJson } from './helpers/fake-ari/state.js';

/** The caller-ID reservation a call presented, as the caller-ID statistics recorded it. */
async function allocationOf(rig: Rig, callId: number) {
  const res = await rig.t.db.query<{
    answered: boolean | null;
    billsec: number | null;
    reported_at: Date | null;
  }>(
    `SELECT a.answered, a.billsec, a.reported_at FROM callerid_allocations a
       JOIN calls c ON c.cid_allocation_id = a.id WHERE c.id = $1`,
    [callId],
  );
  return res.rows[0];
}

const agentStatus = async (rig: Rig, client = rig.agent.client) =>
  (await client.get('/api/me/agent')).body.status;

/** Waits for an agent's status: the call's row ends first, the agent's status follows it. */
async function expectStatus(rig: Rig, status: string, client = rig.agent.client): Promise<void> {
  await waitFor(`agent status ${status}`, async () => (await agentStatus(rig, client)) === status);
}

for (const kind of backends()) {
  describe(`click-to-call through ARI on ${kind}`, () => {
    let rig: Rig;
    before(async () => {
      rig = await startRig(kind);
    });
    after(async () => rig.close());

    /** Click-to-call by the agent, the agent's phone answered: the customer leg is dialling. */
    async function toCustomer(number = '(212) 555-0151') {
      const res = await rig.agent.client.post('/api/agent-calls', { number });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      const id: number = res.body.id;
      rig.fake.answer((await rig.legChannel(id, 'agent')).id);
      await rig.until(id, 'customer_dialing');
      return { id, customer: await rig.legChannel(id, 'customer') };
    }

    async function connected() {
      const c = await toCustomer();
      rig.fake.answer(c.customer.id);
      await rig.until(c.id, 'connected');
      await rig.bridged(c.id, [(await rig.legChannel(c.id, 'agent')).id, c.customer.id]);
      return c;
    }

    async function backToAvailable() {
      // Wrap-up is 15 s by default; the agent ends it to take the next call.
      const r = await rig.agent.client.put('/api/me/agent/status', { status: 'available' });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      rig.fake.setEndpoint('PJSIP/carrier', { outcome: 'ring' });
      rig.fake.setEndpoint('PJSIP/agent-1001', { outcome: 'ring' });
    }

    test('the agent rings first, then the customer with a rotated caller ID; answered, both are bridged; the customer hangs up', async () => {
      const res = await rig.agent.client.post('/api/agent-calls', { number: '(212) 555-0151' });
      assert.equal(res.status, 201);
      assert.equal(res.body.state, 'agent_ringing');
      assert.equal(res.body.did, '+12125550151');
      assert.match(res.body.caller_id, /^\+1(212|310)5550100$/);
      const id = res.body.id as number;
      const agentLeg = await rig.legChannel(id, 'agent');
      assert.equal(agentLeg.endpoint.resource, 'agent-1001');
      assert.equal(agentLeg.caller.number, '+12125550151', "the agent's phone shows whom it is calling");
      await expectStatus(rig, 'ringing');
      assert.equal(rig.originates(), 1, 'nothing dialled before the agent answers');

      rig.fake.answer(agentLeg.id);
      await rig.until(id, 'customer_dialing');
      const customer = await rig.legChannel(id, 'customer');
      assert.equal(customer.endpoint.resource, 'carrier');
      assert.deepEqual(
        customer.caller,
        { name: res.body.caller_id, number: res.body.caller_id },
        'the customer sees the rotated caller ID, and no name of ours (not the number being called)',
      );
      assert.ok(rig.fake.channel(agentLeg.id)?.ringing, 'the agent hears ringback');
      await expectStatus(rig, 'on_call');

      rig.fake.answer(customer.id);
      const call = await rig.until(id, 'connected');
      assert.ok(call.answered_at);
      await rig.bridged(id, [agentLeg.id, customer.id]);
      // Bridged, each side is sent the other's caller ID: the customer must get the rotated caller
      // ID again (not their own number, which the agent's phone was rung with), the agent the customer.
      assert.equal(rig.fake.channel(agentLeg.id)?.caller.number, res.body.caller_id);
      assert.equal(rig.fake.channel(customer.id)?.caller.number, '+12125550151');

      rig.t.clock.advance(42_000);
      rig.fake.farHangup(customer.id, 16);
      const ended = await rig.until(id, 'ended');
      assert.equal(ended.hangup_by, 'customer');
      assert.equal(ended.end_cause, 'customer_hung_up');
      assert.equal(ended.billsec, 42);
      await waitFor('both legs gone', async () =>
        (await rig.call(id)).legs.every((l: any) => l.state === 'gone'),
      );
      await waitFor('the agent leg hung up', () => !rig.fake.channel(agentLeg.id));
      await waitFor('the bridge destroyed', () => !rig.fake.state.bridges.has(`cc-${id}`));
      await expectStatus(rig, 'wrap_up');
      assert.deepEqual(
        { ...(await allocationOf(rig, id)), reported_at: undefined },
        { answered: true, billsec: 42, reported_at: undefined },
      );
      assert.ok((await allocationOf(rig, id))!.reported_at);

      // The call log has it once, as an outbound call of the agent.
      const log = await rig.admin.get(`/api/calls/${id}`);
      assert.equal(log.status, 200);
      assert.equal(log.body.direction, 'outbound');
      assert.equal(log.body.disposition, 'ANSWERED');
      const mine = await rig.agent.client.get('/api/agent-calls');
      assert.equal(mine.body.items.filter((c: any) => c.id === id).length, 1);
      await backToAvailable();
    });

    test('the agent hangs up first: the customer is hung up, the call logged once as ended by the agent', async () => {
      const { id, customer } = await connected();
      const agentLeg = await rig.legChannel(id, 'agent');
      const agentJson = channelJson(agentLeg);
      rig.fake.farHangup(agentLeg.id, 16);
      const ended = await rig.until(id, 'ended');
      assert.equal(ended.hangup_by, 'agent');
      assert.equal(ended.end_cause, 'agent_hung_up');
      await waitFor('the customer hung up', () => !rig.fake.channel(customer.id));
      // A late duplicate of the hangup changes nothing.
      rig.fake.inject(rig.app, {
        type: 'ChannelDestroyed',
        cause: 16,
        cause_txt: 'Normal Clearing',
        channel: agentJson,
      });
      await rig.settle();
      const again = await rig.call(id);
      assert.equal(again.hangup_by, 'agent');
      assert.equal(again.ended_at, ended.ended_at);
      await backToAvailable();
    });

    test('hang up through the API: every leg goes, the agent is the one who hung up', async () => {
      const { id, customer } = await connected();
      const res = await rig.agent.client.post(`/api/agent-calls/${id}/hangup`);
      assert.equal(res.status, 200);
      assert.equal(res.body.state, 'ended');
      assert.equal(res.body.hangup_by, 'agent');
      await waitFor('the customer hung up', () => !rig.fake.channel(customer.id));
      const twice = await rig.agent.client.post(`/api/agent-calls/${id}/hangup`);
      assert.equal(twice.status, 200, 'hanging up an ended call is harmless');
      assert.equal(twice.body.hangup_by, 'agent');
      await backToAvailable();
    });

    for (const [outcome, cause, dialStatus] of [
      ['busy', 'customer_busy', 'BUSY'],
      ['noanswer', 'customer_no_answer', 'NOANSWER'],
      [{ fail: 1 }, 'customer_invalid_number', 'CHANUNAVAIL'],
      [{ fail: 34 }, 'customer_failed', 'CONGESTION'],
    ] as const) {
      test(`the customer's number ends ${JSON.stringify(outcome)}: the call ends with ${cause}, the agent is hung up, the caller ID reported unanswered`, async () => {
        rig.fake.setEndpoint('PJSIP/carrier', { outcome });
        const res = await rig.agent.client.post('/api/agent-calls', { number: '+13105550177' });
        const id = res.body.id as number;
        const agentLeg = await rig.legChannel(id, 'agent');
        rig.fake.answer(agentLeg.id);
        const ended = await rig.until(id, 'ended');
        assert.equal(ended.end_cause, cause);
        assert.equal(ended.dial_status, dialStatus);
        assert.equal(ended.hangup_by, 'customer');
        assert.equal(ended.answered_at, null);
        await waitFor('the agent hung up', () => !rig.fake.channel(agentLeg.id));
        const a = await waitFor(
          'the caller ID reported',
          async () => (await allocationOf(rig, id))?.reported_at && allocationOf(rig, id),
        );
        assert.equal(a.answered, false);
        await backToAvailable();
      });
    }

    for (const [outcome, cause] of [
      ['busy', 'agent_busy'],
      ['noanswer', 'agent_no_answer'],
    ] as const) {
      test(`the agent's phone ends ${outcome}: nobody else is dialled, the call ends with ${cause}`, async () => {
        rig.fake.setEndpoint('PJSIP/agent-1001', { outcome });
        const before = rig.originates();
        const res = await rig.agent.client.post('/api/agent-calls', { number: '+13105550177' });
        const ended = await rig.until(res.body.id, 'ended');
        assert.equal(ended.end_cause, cause);
        assert.equal(ended.hangup_by, 'agent');
        assert.equal(rig.originates(), before + 1, 'the customer was never dialled');
        // the caller ID's outcome is recorded just after the call's end (as in the test above)
        const allocation = await waitFor(
          'the caller ID reported',
          async () => (await allocationOf(rig, res.body.id))?.reported_at && allocationOf(rig, res.body.id),
        );
        assert.equal(allocation?.answered, false);
        await expectStatus(rig, 'available');
        await backToAvailable();
      });
    }

    test("Asterisk cannot ring the agent's phone: a 502 saying why, the call ended, the agent free again", async () => {
      rig.fake.intercept((r) =>
        r.method === 'POST' && r.path.startsWith('/channels/cc-')
          ? { status: 500, json: { error: 'Allocation failed' } }
          : undefined,
      );
      try {
        const res = await rig.agent.client.post('/api/agent-calls', { number: '+13105550177' });
        assert.equal(res.status, 502);
        assert.match(res.body.error.message, /could not ring the phone of agent 1001: .*Allocation failed/);
        const last = (await rig.agent.client.get('/api/agent-calls?limit=1')).body.items[0];
        assert.equal(last.state, 'ended');
        assert.equal(last.end_cause, 'agent_unreachable');
        await expectStatus(rig, 'available');
      } finally {
        rig.fake.intercept(undefined);
      }
    });

    test('bad input is refused before anything is dialled', async () => {
      const before = rig.originates();
      const bad = await rig.agent.client.post('/api/agent-calls', { number: '12' });
      assert.equal(bad.status, 400);
      const invalid = await rig.agent.client.post('/api/agent-calls', { number: '+1 555 0100 999' });
      assert.equal(invalid.status, 400);
      assert.match(invalid.body.error.message, /invalid number/);
      const staffNoAgent = await rig.staff.post('/api/agent-calls', { number: '+13105550177' });
      assert.equal(staffNoAgent.status, 400);
      assert.match(staffNoAgent.body.error.message, /agent_id is required/);
      assert.equal(rig.originates(), before);
    });

    test('an agent acting on another agent’s call gets 404; staff may act on any', async () => {
      const res = await rig.staff.post('/api/agent-calls', {
        number: '+13105550177',
        agent_id: rig.agent.id,
      });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      const id = res.body.id;
      for (const path of ['', '/hangup', '/hold', '/mute', '/dtmf', '/transfer', '/recording/start']) {
        const body =
          path === '/hold' || path === '/mute'
            ? { on: true }
            : path === '/dtmf'
              ? { digits: '1' }
              : path === '/transfer'
                ? { to: '1001', mode: 'blind' }
                : undefined;
        const r =
          path === ''
            ? await rig.other.client.get(`/api/agent-calls/${id}`)
            : await rig.other.client.post(`/api/agent-calls/${id}${path}`, body);
        assert.equal(r.status, 404, `${path}: ${JSON.stringify(r.body)}`);
      }
      assert.equal((await rig.other.client.get(`/api/calls/${id}/recordings`)).status, 404);
      assert.equal(
        (await rig.other.client.get('/api/agent-calls')).body.items.some((c: any) => c.id === id),
        false,
      );
      const hung = await rig.staff.post(`/api/agent-calls/${id}/hangup`);
      assert.equal(hung.status, 200);
      assert.equal(hung.body.hangup_by, 'system');
      await backToAvailable();
    });

    test('hold gives the customer music and takes their audio out; mute takes the agent’s; DTMF reaches the customer', async () => {
      const { id, customer } = await connected();
      const agentLeg = await rig.legChannel(id, 'agent');
      const held = await rig.agent.client.post(`/api/agent-calls/${id}/hold`, { on: true });
      assert.equal(held.status, 200, JSON.stringify(held.body));
      assert.equal(held.body.legs.find((l: any) => l.role === 'customer').held, true);
      assert.ok(rig.fake.channel(customer.id)?.moh !== undefined);
      assert.ok(rig.fake.channel(customer.id)?.muted.has('in'));
      await rig.agent.client.post(`/api/agent-calls/${id}/hold`, { on: false });
      assert.equal(rig.fake.channel(customer.id)?.moh, undefined);
      assert.equal(rig.fake.channel(customer.id)?.muted.size, 0);

      const muted = await rig.agent.client.post(`/api/agent-calls/${id}/mute`, { on: true });
      assert.equal(muted.body.legs.find((l: any) => l.role === 'agent').muted, true);
      assert.ok(rig.fake.channel(agentLeg.id)?.muted.has('in'));

      const dtmf = await rig.agent.client.post(`/api/agent-calls/${id}/dtmf`, { digits: '12#' });
      assert.equal(dtmf.status, 200);
      assert.deepEqual(rig.fake.channel(customer.id)?.dtmf, ['12#']);
      assert.equal((await rig.agent.client.post(`/api/agent-calls/${id}/dtmf`, { digits: 'x' })).status, 400);
      await rig.agent.client.post(`/api/agent-calls/${id}/hangup`);
      const notNow = await rig.agent.client.post(`/api/agent-calls/${id}/hold`, { on: true });
      assert.equal(notNow.status, 409);
      await backToAvailable();
    });

    test('a number dialled on the agent’s phone goes out through the trunk with a rotated caller ID and is answered on both sides', async () => {
      const phone = rig.fake.inboundCall({
        app: rig.app,
        args: ['dial', '2125550188'],
        endpoint: 'PJSIP/agent-1001',
        exten: '2125550188',
      });
      const id = await waitFor('the call', async () => {
        const items = (await rig.agent.client.get('/api/agent-calls?open=true')).body.items;
        return items[0]?.id as number | undefined;
      });
      const call = await rig.until(id, 'customer_dialing');
      assert.equal(call.did, '+12125550188');
      assert.match(call.caller_id, /^\+1(212|310)5550100$/);
      const customer = await rig.legChannel(id, 'customer');
      assert.equal(customer.caller.number, call.caller_id);
      assert.equal(rig.fake.channel(phone.id)?.state, 'Ring', 'the phone is not answered before the far end');
      rig.fake.answer(customer.id);
      await rig.bridged(id, [phone.id, customer.id]);
      assert.equal(rig.fake.channel(phone.id)?.state, 'Up');
      rig.fake.farHangup(phone.id);
      const ended = await rig.until(id, 'ended');
      assert.equal(ended.hangup_by, 'agent');
      await backToAvailable();
    });

    test('an extension dialled on the phone rings that agent; an offline agent is busy', async () => {
      const phone = rig.fake.inboundCall({
        app: rig.app,
        args: ['dial', '1002'],
        endpoint: 'PJSIP/agent-1001',
        exten: '1002',
      });
      const id = await waitFor(
        'the call',
        async () =>
          (await rig.agent.client.get('/api/agent-calls?open=true')).body.items[0]?.id as number | undefined,
      );
      const callee = await rig.legChannel(id, 'customer');
      assert.equal(callee.endpoint.resource, 'agent-1002');
      await expectStatus(rig, 'ringing', rig.other.client);
      rig.fake.answer(callee.id);
      await rig.until(id, 'connected');
      await expectStatus(rig, 'on_call', rig.other.client);
      rig.fake.farHangup(callee.id);
      await rig.until(id, 'ended');
      await waitFor('the caller hung up', () => !rig.fake.channel(phone.id));
      await expectStatus(rig, 'wrap_up', rig.other.client);
      await rig.other.client.put('/api/me/agent/status', { status: 'offline' });
      await backToAvailable();
      const again = rig.fake.inboundCall({
        app: rig.app,
        args: ['dial', '1002'],
        endpoint: 'PJSIP/agent-1001',
        exten: '1002',
      });
      await waitFor('the caller refused as busy', () => !rig.fake.channel(again.id));
      await rig.other.client.put('/api/me/agent/status', { status: 'available' });
      await backToAvailable();
    });

    test('a call into Stasis from a phone that is no agent’s is hung up', async () => {
      const stranger = rig.fake.inboundCall({
        app: rig.app,
        args: ['dial', '2125550188'],
        endpoint: 'PJSIP/carrier',
      });
      await waitFor('the stranger hung up', () => !rig.fake.channel(stranger.id));
    });
  });
}
