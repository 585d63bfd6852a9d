import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type Client, type TestApp } from './helpers/app.js';
import { backends } from './helpers/db.js';

type UserClient = Awaited<ReturnType<TestApp['userClient']>>;

for (const kind of backends()) {
  describe(`agents API on ${kind}`, () => {
    let t: TestApp;
    let admin: Client;
    let staff: Client;
    let ext = 2000;
    before(async () => {
      t = await startTestApp(kind);
      admin = await t.userClient('admin');
      staff = await t.userClient('staff');
    });
    after(() => t.close());

    /** An agent user, signed in, with an extension made by staff. */
    async function agentWithPhone(): Promise<{ me: UserClient; id: number; endpoint: string }> {
      const me = await t.userClient('agent');
      ext += 1;
      const res = await staff.post('/api/agents', { user_id: me.user.id, extension: String(ext) });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return { me, id: res.body.agent.id, endpoint: res.body.agent.endpoint_id };
    }

    test('an admin creates the agent user and the extension together; staff only give an agent user one', async () => {
      const user = { email: 'new.agent@t.example', name: 'New Agent', password: 'long-password-1' };
      const byStaff = await staff.post('/api/agents', { extension: '2101', user });
      assert.equal(byStaff.status, 403);
      assert.match(byStaff.body.error.message, /only an admin creates users/);

      const res = await admin.post('/api/agents', { extension: '2101', user, webrtc: true });

      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.deepEqual(
        [res.body.agent.user_name, res.body.agent.endpoint_id, res.body.agent.status, res.body.agent.codecs],
        ['New Agent', 'agent-2101', 'offline', ['opus', 'ulaw']],
      );
      const login = await t.anon.post('/api/auth/login', { email: user.email, password: user.password });
      assert.equal(login.body.user.role, 'agent');
    });

    test('only an active user with role agent and no extension gets one; numbers and ids are unique', async () => {
      const seller = await t.userClient('seller');
      const notAgent = await staff.post('/api/agents', { user_id: seller.user.id, extension: '2201' });
      assert.equal(notAgent.status, 409);
      assert.match(notAgent.body.error.message, /role seller/);
      assert.equal((await staff.post('/api/agents', { user_id: 987654, extension: '2201' })).status, 404);
      const neither = await staff.post('/api/agents', { extension: '2201' });
      assert.equal(neither.status, 400);
      for (const bad of ['1', '12a4', '12345678901']) {
        const res = await staff.post('/api/agents', { user_id: seller.user.id, extension: bad });
        assert.equal(res.status, 400, bad);
      }

      const { me } = await agentWithPhone();
      const again = await staff.post('/api/agents', { user_id: me.user.id, extension: '2202' });
      assert.equal(again.status, 409);
      assert.match(again.body.error.message, /already has an agent extension/);
      const other = await t.userClient('agent');
      const taken = await staff.post('/api/agents', { user_id: other.user.id, extension: String(ext) });
      assert.equal(taken.status, 409);
      assert.match(taken.body.error.message, /extension number/);
      const candidates = (await staff.get('/api/agents/candidates')).body.items.map((u: any) => u.id);
      assert.ok(candidates.includes(other.user.id) && !candidates.includes(me.user.id));
    });

    test('the SIP secret is in the create and reset answers only', async () => {
      const { id } = await agentWithPhone();

      const listed = await staff.get('/api/agents?limit=500');
      const one = await staff.get(`/api/agents/${id}`);
      const reset = await staff.post(`/api/agents/${id}/secret`);

      for (const body of [listed.body.items.find((a: any) => a.id === id), one.body])
        assert.doesNotMatch(JSON.stringify(body), /secret/);
      assert.equal(reset.status, 200);
      assert.match(reset.body.sip_secret, /^\S{16,}$/);
    });

    test('an agent reads their own phone and sets available, paused with a reason, and offline', async () => {
      const { me, endpoint } = await agentWithPhone();

      const mine = await me.get('/api/me/agent');
      assert.deepEqual([mine.status, mine.body.endpoint_id, mine.body.status], [200, endpoint, 'offline']);
      assert.equal((await me.put('/api/me/agent/status', { status: 'available' })).body.status, 'available');
      const noReason = await me.put('/api/me/agent/status', { status: 'paused' });
      assert.equal(noReason.status, 400);
      assert.match(noReason.body.error.message, /reason/);
      const blank = await me.put('/api/me/agent/status', { status: 'paused', reason: '   ' });
      assert.equal(blank.status, 400);
      const paused = await me.put('/api/me/agent/status', { status: 'paused', reason: 'Lunch' });
      assert.deepEqual([paused.body.status, paused.body.pause_reason], ['paused', 'Lunch']);
      assert.equal((await me.put('/api/me/agent/status', { status: 'ringing' })).status, 400);
      assert.equal((await me.put('/api/me/agent/status', { status: 'offline' })).body.status, 'offline');

      const noPhone = await t.userClient('agent');
      const none = await noPhone.get('/api/me/agent');
      assert.equal(none.status, 404);
      assert.match(none.body.error.message, /no extension yet/);
    });

    test('a seller or another agent can neither read nor change an agent', async () => {
      const a = await agentWithPhone();
      const b = await agentWithPhone();
      const seller = await t.userClient('seller');

      for (const c of [seller, b.me]) {
        assert.equal((await c.get(`/api/agents/${a.id}`)).status, 403);
        assert.equal((await c.get('/api/agents')).status, 403);
        assert.equal((await c.patch(`/api/agents/${a.id}`, { max_contacts: 5 })).status, 403);
        assert.equal((await c.put(`/api/agents/${a.id}/status`, { status: 'available' })).status, 403);
        assert.equal((await c.post(`/api/agents/${a.id}/secret`)).status, 403);
        assert.equal((await c.del(`/api/agents/${a.id}`)).status, 403);
      }
      assert.equal((await seller.get('/api/me/agent')).status, 403);
      // B's own routes act on B only.
      await b.me.put('/api/me/agent/status', { status: 'available' });
      assert.equal((await a.me.get('/api/me/agent')).body.status, 'offline');
      assert.equal((await b.me.get('/api/me/agent')).body.id, b.id);
    });

    test('an agent on a call is neither deleted nor renamed; afterwards it is, and its history stays', async () => {
      const { id, endpoint, me } = await agentWithPhone();
      await me.put('/api/me/agent/status', { status: 'available' });
      await t.services.agentStatus.applyEvent(endpoint, { type: 'call_answered', call: 'ch-9' });

      assert.equal((await staff.del(`/api/agents/${id}`)).status, 409);
      assert.equal((await staff.patch(`/api/agents/${id}`, { endpoint_id: 'renamed' })).status, 409);
      const staffOffline = await staff.put(`/api/agents/${id}/status`, { status: 'offline' });
      assert.equal(staffOffline.status, 409);

      await t.services.agentStatus.applyEvent(endpoint, { type: 'call_ended', call: 'ch-9' });
      assert.equal(
        (await staff.put(`/api/agents/${id}/status`, { status: 'offline' })).body.status,
        'offline',
      );
      assert.equal((await staff.del(`/api/agents/${id}`)).status, 204);
      assert.equal((await staff.get(`/api/agents/${id}`)).status, 404);
      const { rows } = await t.db.query<{ to_status: string }>(
        'SELECT to_status FROM agent_status_log WHERE user_id = $1 AND agent_id IS NULL ORDER BY id',
        [me.user.id],
      );
      assert.deepEqual(
        rows.map((r) => r.to_status),
        ['available', 'on_call', 'wrap_up', 'offline'],
      );
    });

    test('a user with an extension keeps role agent and is not deleted until the agent is', async () => {
      const { id, me } = await agentWithPhone();

      const role = await admin.patch(`/api/users/${me.user.id}`, { role: 'seller' });
      assert.equal(role.status, 409);
      assert.match(role.body.error.message, /agent extension/);
      assert.equal((await admin.del(`/api/users/${me.user.id}`)).status, 409);
      assert.equal((await admin.del(`/api/agents/${id}`)).status, 204);
      assert.equal((await admin.patch(`/api/users/${me.user.id}`, { role: 'seller' })).status, 200);
    });

    test('a disabled user’s agent goes offline and cannot be given a new extension', async () => {
      const { id, me } = await agentWithPhone();
      await me.put('/api/me/agent/status', { status: 'available' });

      await admin.patch(`/api/users/${me.user.id}`, { status: 'disabled' });

      const seen = await staff.get(`/api/agents/${id}`);
      assert.deepEqual([seen.body.status, seen.body.user_status], ['offline', 'disabled']);
      const other = await t.userClient('agent');
      await admin.patch(`/api/users/${other.user.id}`, { status: 'disabled' });
      const res = await staff.post('/api/agents', { user_id: other.user.id, extension: '2999' });
      assert.equal(res.status, 409);
      assert.match(res.body.error.message, /disabled/);
    });
  });
}
