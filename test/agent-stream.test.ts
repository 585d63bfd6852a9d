import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createPostgresDb } from '../src/db/postgres.js';
import { createServices } from '../src/services.js';
import { systemClock } from '../src/shared/clock.js';
import { backends } from './helpers/db.js';
import { startRig, type Rig } from './helpers/callcontrol.js';
import { openSse, type SseEvent, type SseStream } from './helpers/sse.js';

const isAgentEvent = (e: SseEvent) => e.event.startsWith('agent');
const status = (agentId: number, value: string) => (e: SseEvent) =>
  e.event === 'agent_status' && e.data.agent.id === agentId && e.data.agent.status === value;
const callIn =
  (callId: number, state: string, check: (c: any) => boolean = () => true) =>
  (e: SseEvent) =>
    e.event === 'agent_call' &&
    e.data.call.id === callId &&
    e.data.call.state === state &&
    check(e.data.call);

/** Fields the API never shows, which must not reach a stream either. */
const INTERNAL = ['sip_secret', 'status_version', 'cid_allocation_id', 'bridge_id', 'total'];
function assertNoInternals(events: SseEvent[]): void {
  const text = JSON.stringify(events.map((e) => e.data));
  for (const key of INTERNAL) assert.doesNotMatch(text, new RegExp(`"${key}"`), key);
  // A call's row version is the call path's own; an agent's `version` (of its settings) is public.
  const calls = JSON.stringify(events.map((e) => e.data.call ?? e.data.calls ?? null));
  assert.doesNotMatch(calls, /"version"/, 'version of a call');
}

for (const kind of backends()) {
  describe(`agent status and agent calls on the live stream (${kind})`, () => {
    let rig: Rig;
    let seller: { token: string | undefined };
    const streams: SseStream[] = [];
    const open = async (token: string | undefined) => {
      const s = await openSse(`${rig.t.url}/api/calls/live/stream`, token!);
      streams.push(s);
      return s;
    };

    before(async () => {
      rig = await startRig(kind);
      seller = await rig.t.userClient('seller');
    });
    after(async () => {
      for (const s of streams) s.close();
      await rig.close();
    });

    test('each role gets what it may see first: agents their own, admin and staff all, sellers none', async () => {
      const mine = await open(rig.agent.client.token);
      const admin = await open(rig.admin.token);
      const sell = await open(seller.token);
      assert.match(mine.contentType ?? '', /^text\/event-stream/);

      const first = await mine.next((e) => e.event === 'agents', 'the agent snapshot');
      assert.deepEqual(
        first.data.agents.map((a: any) => [a.id, a.extension, a.status, a.registration]),
        [[rig.agent.id, '1001', 'available', 'registered']],
      );
      assert.deepEqual(first.data.calls, []);
      const all = await admin.next((e) => e.event === 'agents', 'the admin snapshot');
      assert.deepEqual(all.data.agents.map((a: any) => a.extension).sort(), ['1001', '1002']);
      await admin.next((e) => e.event === 'live', 'live calls for admin');

      await sell.next((e) => e.event === 'live', 'live calls for the seller');
      // A page that needs one feed asks for it alone.
      const onlyLive = await openSse(`${rig.t.url}/api/calls/live/stream?events=live`, rig.admin.token!);
      const onlyAgents = await openSse(`${rig.t.url}/api/calls/live/stream?events=agents`, rig.admin.token!);
      streams.push(onlyLive, onlyAgents);
      await onlyLive.next((e) => e.event === 'live', 'live calls alone');
      await onlyAgents.next((e) => e.event === 'agents', 'agents alone');
      // An agent has no live inbound calls; a seller no agents.
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(mine.events.filter((e) => e.event === 'live').length, 0);
      assert.equal(sell.events.filter(isAgentEvent).length, 0);
      assert.equal(onlyLive.events.filter(isAgentEvent).length, 0);
      assert.equal(onlyAgents.events.filter((e) => e.event === 'live').length, 0);
    });

    test('a click-to-call is followed on the agent’s stream and the admin’s, never on another agent’s or a seller’s', async () => {
      const mine = await open(rig.agent.client.token);
      const other = await open(rig.other.client.token);
      const admin = await open(rig.admin.token);
      const sell = await open(seller.token);
      for (const s of [mine, other, admin]) await s.next((e) => e.event === 'agents', 'a snapshot');
      await sell.next((e) => e.event === 'live', 'live calls for the seller');

      // A pause with its reason, then back.
      await rig.agent.client.put('/api/me/agent/status', { status: 'paused', reason: 'Coffee' });
      const paused = await mine.next(status(rig.agent.id, 'paused'), 'paused');
      assert.equal(paused.data.agent.pause_reason, 'Coffee');
      await admin.next(status(rig.agent.id, 'paused'), 'paused, for the admin');
      await rig.agent.client.put('/api/me/agent/status', { status: 'available' });
      await mine.next(status(rig.agent.id, 'available'), 'available again');

      const res = await rig.agent.client.post('/api/agent-calls', { number: '(212) 555-0151' });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      const id: number = res.body.id;
      const ringing = await mine.next(callIn(id, 'agent_ringing'), 'the call ringing the agent');
      assert.equal(ringing.data.call.did, '+12125550151');
      assert.equal(ringing.data.call.agent_id, rig.agent.userId);
      await mine.next(status(rig.agent.id, 'ringing'), 'the agent ringing');

      rig.fake.answer((await rig.legChannel(id, 'agent')).id);
      await mine.next(callIn(id, 'customer_dialing'), 'the customer dialled');
      await mine.next(status(rig.agent.id, 'on_call'), 'the agent on the call');
      rig.fake.answer((await rig.legChannel(id, 'customer')).id);
      const connected = await mine.next(callIn(id, 'connected'), 'connected');
      assert.ok(connected.data.call.answered_at);
      await admin.next(callIn(id, 'connected'), 'connected, for the admin');

      const held = await rig.agent.client.post(`/api/agent-calls/${id}/hold`, { on: true });
      assert.equal(held.status, 200, JSON.stringify(held.body));
      const customerHeld = (c: any) => c.legs.some((l: any) => l.role === 'customer' && l.held);
      await mine.next(callIn(id, 'connected', customerHeld), 'the customer held');
      await rig.agent.client.post(`/api/agent-calls/${id}/recording/start`);
      await mine.next(
        callIn(id, 'connected', (c) => c.recordings.some((r: any) => r.state === 'recording')),
        'the recording running',
      );

      await rig.agent.client.post(`/api/agent-calls/${id}/hangup`);
      const ended = await mine.next(callIn(id, 'ended'), 'the call ended');
      assert.equal(ended.data.call.hangup_by, 'agent');
      await mine.next(status(rig.agent.id, 'wrap_up'), 'wrap-up');
      await admin.next(callIn(id, 'ended'), 'ended, for the admin');
      await admin.next(status(rig.agent.id, 'wrap_up'), 'wrap-up, for the admin');

      await rig.settle();
      await new Promise((r) => setTimeout(r, 300));
      const aboutAgent1 = (e: SseEvent) =>
        (e.event === 'agent_status' && e.data.agent.id === rig.agent.id) ||
        (e.event === 'agent_call' && e.data.call.agent_id === rig.agent.userId);
      assert.equal(other.events.filter(aboutAgent1).length, 0, 'another agent hears nothing of it');
      assert.equal(sell.events.filter(isAgentEvent).length, 0, 'a seller hears nothing of agents');
      assertNoInternals([...mine.events, ...admin.events]);
      await rig.agent.client.put('/api/me/agent/status', { status: 'available' });
    });

    test('a subscriber that joins during a call gets it in its first snapshot', async () => {
      const res = await rig.agent.client.post('/api/agent-calls', { number: '+12125550152' });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      const id: number = res.body.id;
      await rig.legChannel(id, 'agent');
      const mine = await open(rig.agent.client.token);
      const snap = await mine.next((e) => e.event === 'agents', 'the snapshot');
      assert.deepEqual(
        snap.data.calls.map((c: any) => [c.id, c.state]),
        [[id, 'agent_ringing']],
      );
      assert.equal(snap.data.agents[0].status, 'ringing');
      const other = await open(rig.other.client.token);
      const theirs = await other.next((e) => e.event === 'agents', 'the other snapshot');
      assert.deepEqual(theirs.data.calls, []);
      await rig.agent.client.post(`/api/agent-calls/${id}/hangup`);
      await mine.next(callIn(id, 'ended'), 'ended');
      await rig.agent.client.put('/api/me/agent/status', { status: 'available' });
    });

    if (kind === 'postgres') {
      test('a change made by another process reaches the stream; a lost LISTEN connection is replaced and everyone reads again', async () => {
        const mine = await open(rig.agent.client.token);
        await mine.next((e) => e.event === 'agents', 'the snapshot');

        // Another CapConduit process (its own pool and services) on the same database.
        const db2 = createPostgresDb({ connectionString: rig.t.dbUrl!, max: 2 });
        try {
          const second = createServices({
            db: db2,
            clock: systemClock,
            config: {
              sessionTtlHours: 1,
              loginMaxFailures: 5,
              loginLockoutSeconds: 60,
              defaultPhoneRegion: 'US',
            },
          });
          await second.agentStatus.change(rig.agent.id, { status: 'paused', reason: 'Elsewhere' });
          const seen = await mine.next(status(rig.agent.id, 'paused'), 'a pause made by another process');
          assert.equal(seen.data.agent.pause_reason, 'Elsewhere');

          // The API process's LISTEN connection is cut; meanwhile the agent becomes available.
          const cut = await rig.t.db.query<{ n: number }>(
            `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
              WHERE application_name = 'capconduit-listen' AND datname = current_database()`,
          );
          assert.equal(cut.rows[0]!.n, 1);
          await db2.query(
            `UPDATE agents SET status = 'available', pause_reason = NULL, status_version = status_version + 1
              WHERE id = $1`,
            [rig.agent.id],
          );
          const from = mine.events.length;
          const again = await mine.next((e) => e.event === 'agents', 'a new snapshot', 10_000, from);
          assert.equal(again.data.agents[0].status, 'available');
          // And changes flow again on the new connection.
          await second.agentStatus.change(rig.agent.id, { status: 'paused', reason: 'Back again' });
          await mine.next(status(rig.agent.id, 'paused'), 'a pause after the reconnection', 5000, from);
          await second.agentStatus.change(rig.agent.id, { status: 'available' });
        } finally {
          await db2.close();
        }
      });
    }

    test('the stream needs a session', async () => {
      const anon = await fetch(`${rig.t.url}/api/calls/live/stream`);
      assert.equal(anon.status, 401);
    });
  });
}
