import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { backends } from './helpers/db.js';
import { startRig, waitFor, type AgentUser, type Rig } from './helpers/callcontrol.js';

/** Noon in New York (EDT): leads there are inside the default 08:00–21:00 window, Honolulu's (06:00) not. */
const NOON_NY = new Date('2026-06-15T16:00:00Z');

interface Lead {
  phone: string;
  zones?: string[];
  name?: string;
}

async function sql<T = any>(rig: Rig, text: string, params: unknown[] = []): Promise<T[]> {
  return (await rig.t.db.query<any>(text, params)).rows as T[];
}

/** A dialer campaign on the rig's server with one active list of `leads`. */
async function campaignWith(rig: Rig, leads: Lead[], fields: Record<string, unknown> = {}) {
  const c = await rig.admin.post('/api/dialer/campaigns', {
    name: `Campaign ${Math.random().toString(36).slice(2, 8)}`,
    server_id: rig.server.id,
    mode: 'progressive',
    status: 'active',
    ...fields,
  });
  assert.equal(c.status, 201, JSON.stringify(c.body));
  const list = await rig.admin.post('/api/dialer/lists', {
    name: `List ${c.body.id}`,
    campaign_id: c.body.id,
  });
  assert.equal(list.status, 201, JSON.stringify(list.body));
  const ids: number[] = [];
  for (const l of leads) {
    const [row] = await sql<{ id: number }>(
      rig,
      `INSERT INTO dialer_leads (list_id, phone, name, time_zones) VALUES ($1, $2, $3, $4) RETURNING id`,
      [list.body.id, l.phone, l.name ?? null, l.zones ?? ['America/New_York']],
    );
    ids.push(row!.id);
  }
  return { id: c.body.id as number, listId: list.body.id as number, leads: ids };
}

/** The agent joins: their phone is called, answers, and waits in its bridge. */
async function join(rig: Rig, agent: AgentUser, campaignId: number) {
  const r = await agent.client.post('/api/me/dialer/join', { campaign_id: campaignId });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const [s] = await sql<{ channel_id: string; bridge_id: string }>(
    rig,
    'SELECT channel_id, bridge_id FROM dialer_sessions WHERE agent_id = $1',
    [agent.id],
  );
  await waitFor('the session phone ringing', () => {
    const ch = rig.fake.channel(s!.channel_id);
    return ch && ch.state !== 'Down';
  });
  rig.fake.answer(s!.channel_id);
  await waitFor(
    'the session ready',
    async () => (await agent.client.get('/api/me/dialer')).body.session?.state === 'ready',
  );
  await waitFor(
    'the agent available',
    async () => (await agent.client.get('/api/me/agent')).body.status === 'available',
  );
  return s!;
}

const callOfLead = async (rig: Rig, leadId: number) =>
  (
    await sql<{ id: number; state: string; dialer_outcome: string | null }>(
      rig,
      'SELECT id, state, dialer_outcome FROM calls WHERE lead_id = $1 ORDER BY id DESC LIMIT 1',
      [leadId],
    )
  )[0];
const leadRow = async (rig: Rig, id: number) =>
  (await sql(rig, 'SELECT * FROM dialer_leads WHERE id = $1', [id]))[0];

for (const kind of backends()) {
  describe(`the campaign dialer over the fake ARI on ${kind}`, () => {
    let rig: Rig;
    before(async () => {
      rig = await startRig(kind);
      rig.t.clock.set(NOON_NY);
    });
    after(async () => rig.close());
    beforeEach(async () => {
      // Each test starts with no campaign in play and both agents out of any session.
      await sql(rig, `UPDATE dialer_campaigns SET status = 'paused'`);
      for (const a of [rig.agent, rig.other]) await a.client.post('/api/me/dialer/leave', {});
      rig.fake.setEndpoint('PJSIP/carrier', { outcome: 'ring' });
    });

    test('progressive: one line per ready agent, the answer put through, the disposition closes the lead', async () => {
      const c = await campaignWith(rig, [{ phone: '+12125550181', name: 'Ada' }, { phone: '+12125550182' }]);
      assert.equal((await rig.t.services.callControl.dialer.tick()).length, 1, 'no agent: nothing dialled');
      assert.equal((await callOfLead(rig, c.leads[0]!)) ?? null, null);
      const s = await join(rig, rig.agent, c.id);

      const [round] = await rig.t.services.callControl.dialer.tick();
      assert.equal(round!.dialled.length, 1, JSON.stringify(round!.decision));
      const call = await waitFor('the first lead dialled', () => callOfLead(rig, c.leads[0]!));
      assert.equal((await leadRow(rig, c.leads[0]!)).state, 'dialling');
      // A second round while the line rings dials nothing more: one line per agent.
      const [again] = await rig.t.services.callControl.dialer.tick();
      assert.equal(again!.dialled.length, 0);

      const customer = await rig.legChannel(call.id, 'customer');
      assert.equal(customer.caller.number !== '', true);
      rig.fake.answer(customer.id);
      await rig.until(call.id, 'connected');
      await rig.bridged(call.id, [s.channel_id, customer.id], s.bridge_id);
      const consoleView = (await rig.agent.client.get('/api/me/dialer')).body;
      assert.equal(consoleView.call.id, call.id);
      assert.equal(consoleView.lead.name, 'Ada');

      rig.fake.farHangup(customer.id);
      await rig.until(call.id, 'ended');
      await waitFor('the lead answered', async () => (await leadRow(rig, c.leads[0]!)).state === 'answered');
      // The agent's phone stays in its bridge for the next customer.
      assert.ok(rig.fake.channel(s.channel_id));

      const bad = await rig.agent.client.post('/api/me/dialer/disposition', {
        call_id: call.id,
        disposition: 'nope',
      });
      assert.equal(bad.status, 400);
      const d = await rig.agent.client.post('/api/me/dialer/disposition', {
        call_id: call.id,
        disposition: 'dnc',
      });
      assert.equal(d.status, 200, JSON.stringify(d.body));
      const lead = await leadRow(rig, c.leads[0]!);
      assert.equal(lead.state, 'done');
      assert.equal(lead.disposition, 'dnc');
      const dnc = await sql(rig, `SELECT source FROM dnc_numbers WHERE phone = '+12125550181'`);
      assert.deepEqual(dnc, [{ source: 'disposition' }]);
      const twice = await rig.agent.client.post('/api/me/dialer/disposition', {
        call_id: call.id,
        disposition: 'sale',
      });
      assert.equal(twice.status, 409);
      await waitFor(
        'the agent available',
        async () => (await rig.agent.client.get('/api/me/agent')).body.status === 'available',
      );

      // The number now on the do-not-call list is never claimed again, in any list.
      const other = await campaignWith(rig, [{ phone: '+12125550181' }]);
      await sql(rig, `UPDATE dialer_campaigns SET status = 'paused' WHERE id = $1`, [c.id]);
      await rig.agent.client.post('/api/me/dialer/leave', {});
      await join(rig, rig.agent, other.id);
      const [r2] = await rig.t.services.callControl.dialer.tick();
      assert.equal(r2!.dialled.length, 0);
      assert.equal((await leadRow(rig, other.leads[0]!)).state, 'new');
    });

    test('busy and no answer follow the retry policy; attempts are exact', async () => {
      const c = await campaignWith(rig, [{ phone: '+12125550183' }], {
        retry_policy: { busy: { delay_minutes: 10, max: 1 } },
        max_attempts: 3,
      });
      await join(rig, rig.agent, c.id);
      await rig.t.services.callControl.dialer.tick();
      const first = await waitFor('dialled', () => callOfLead(rig, c.leads[0]!));
      rig.fake.reject((await rig.legChannel(first.id, 'customer')).id, 17);
      await rig.until(first.id, 'ended');
      await waitFor('retry', async () => (await leadRow(rig, c.leads[0]!)).state === 'retry');
      let lead = await leadRow(rig, c.leads[0]!);
      assert.equal(lead.attempts, 1);
      assert.equal(lead.last_outcome, 'busy');
      assert.equal(new Date(lead.next_attempt_at).getTime(), NOON_NY.getTime() + 10 * 60_000);
      // Not due yet: nothing dialled.
      await rig.t.services.callControl.dialer.tick();
      assert.equal((await callOfLead(rig, c.leads[0]!))!.id, first.id);
      // Due: dialled again; busy a second time is past the policy's max of 1 busy retry: done.
      rig.t.clock.set(new Date(NOON_NY.getTime() + 11 * 60_000));
      try {
        await rig.t.services.callControl.dialer.tick();
        const second = await waitFor('dialled again', async () => {
          const x = await callOfLead(rig, c.leads[0]!);
          return x && x.id !== first.id ? x : undefined;
        });
        rig.fake.reject((await rig.legChannel(second.id, 'customer')).id, 17);
        await waitFor('done', async () => (await leadRow(rig, c.leads[0]!)).state === 'done');
        lead = await leadRow(rig, c.leads[0]!);
        assert.equal(lead.attempts, 2);
        assert.deepEqual(lead.outcome_counts, { busy: 2 });
      } finally {
        rig.t.clock.set(NOON_NY);
      }
    });

    test('a person with no agent free within 2 s hears the abandon message; the call counts as abandoned', async () => {
      const c = await campaignWith(rig, [{ phone: '+12125550184' }]);
      await join(rig, rig.agent, c.id);
      await rig.t.services.callControl.dialer.tick();
      const call = await waitFor('dialled', () => callOfLead(rig, c.leads[0]!));
      // The agent pauses while the line rings: nobody is free when the customer answers.
      const p = await rig.agent.client.put('/api/me/agent/status', { status: 'paused', reason: 'break' });
      assert.equal(p.status, 200);
      const customer = await rig.legChannel(call.id, 'customer');
      const answeredAt = Date.now();
      rig.fake.answer(customer.id);
      await rig.until(call.id, 'ended');
      const elapsed = Date.now() - answeredAt;
      assert.ok(elapsed >= 2000, `abandoned after ${elapsed} ms`);
      assert.deepEqual(rig.fake.channel(customer.id)?.played ?? ['sound:capconduit-abandon'], [
        'sound:capconduit-abandon',
      ]);
      assert.equal((await callOfLead(rig, c.leads[0]!))!.dialer_outcome, 'abandoned');
      await waitFor('retry', async () => (await leadRow(rig, c.leads[0]!)).state === 'retry');
      assert.equal((await leadRow(rig, c.leads[0]!)).last_outcome, 'abandoned');
      await rig.agent.client.put('/api/me/agent/status', { status: 'available' });
    });

    test('answering-machine detection: a machine is hung up on, a person put through', async () => {
      // The generated context: AMD() hears a machine at +12125550185, a person elsewhere.
      rig.fake.calls.dialplan.set('capconduit-dialer-amd', (ch, exten) => {
        void sql<{ did: string }>(rig, 'SELECT did FROM calls WHERE id = $1', [Number(exten)]).then(
          ([row]) => {
            const status = row?.did === '+12125550185' ? 'MACHINE' : 'HUMAN';
            rig.fake.calls.stasisFromDialplan(ch, rig.app, ['cc-amd', exten, status, 'TEST']);
          },
        );
      });
      const c = await campaignWith(rig, [{ phone: '+12125550185' }, { phone: '+12125550186' }], {
        amd: 'hangup',
      });
      const s = await join(rig, rig.agent, c.id);
      await rig.t.services.callControl.dialer.tick();
      const machine = await waitFor('dialled', () => callOfLead(rig, c.leads[0]!));
      const mch = await rig.legChannel(machine.id, 'customer');
      rig.fake.answer(mch.id);
      await rig.until(machine.id, 'ended');
      assert.equal((await callOfLead(rig, c.leads[0]!))!.dialer_outcome, 'machine');
      await waitFor('retry', async () => (await leadRow(rig, c.leads[0]!)).last_outcome === 'machine');

      await rig.t.services.callControl.dialer.tick();
      const human = await waitFor('dialled', () => callOfLead(rig, c.leads[1]!));
      const hch = await rig.legChannel(human.id, 'customer');
      rig.fake.answer(hch.id);
      await rig.until(human.id, 'connected');
      await rig.bridged(human.id, [s.channel_id, hch.id], s.bridge_id);
      rig.fake.farHangup(hch.id);
      await rig.until(human.id, 'ended');
      rig.fake.calls.dialplan.delete('capconduit-dialer-amd');
    });

    test('leads outside their window, on a DNC list or out of attempts are never dialled', async () => {
      const c = await campaignWith(rig, [
        { phone: '+18085550187', zones: ['Pacific/Honolulu'] }, // 06:00 there
        { phone: '+12125550188', zones: [] }, // unknown zone, campaign does not allow it
        { phone: '+12125550189' }, // on the campaign's DNC list
        { phone: '+12125550190', zones: ['America/New_York', 'Pacific/Honolulu'] }, // one zone closed
      ]);
      await sql(
        rig,
        `INSERT INTO dnc_numbers (phone, campaign_id, source) VALUES ('+12125550189', $1, 'api')`,
        [c.id],
      );
      await join(rig, rig.agent, c.id);
      await join(rig, rig.other, c.id);
      const [round] = await rig.t.services.callControl.dialer.tick();
      assert.equal(round!.dialled.length, 0, JSON.stringify(round));
      for (const id of c.leads) assert.equal((await leadRow(rig, id)).state, 'new');
    });
  });
}
