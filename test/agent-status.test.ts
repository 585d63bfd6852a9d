import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { AgentEvent } from '../src/agents/agent-status.js';
import type { Db } from '../src/db/db.js';
import { createPostgresDb } from '../src/db/postgres.js';
import { createServices, type Services } from '../src/services.js';
import type { Actor } from '../src/shared/types.js';
import { backends } from './helpers/db.js';
import { startServices, type TestServices } from './helpers/services.js';

let n = 0;

for (const kind of backends()) {
  describe(`agent status on ${kind}`, () => {
    let t: TestServices;
    let admin: Actor;
    before(async () => {
      t = await startServices(kind);
      const a = await t.s.users.create({
        email: 'boss@t.example',
        name: 'Boss',
        role: 'admin',
        password: 'password-1',
      });
      admin = { id: a.id, role: 'admin', email: a.email, name: a.name };
    });
    after(() => t.close());

    /** A new agent (and user) through the service; `available` unless told otherwise. */
    async function agent(status: 'available' | 'offline' = 'available', wrapUp: number | null = 20) {
      n += 1;
      const { agent: a } = await t.s.agents.create(admin, {
        extension: String(3000 + n),
        wrap_up_seconds: wrapUp,
        user: { email: `agent${n}@t.example`, name: `Agent ${n}`, password: 'password-1' },
      });
      if (status === 'available') await t.s.agentStatus.change(a.id, { status: 'available' });
      return a;
    }
    const log = async (agentId: number) =>
      (
        await t.db.query<{ from_status: string; to_status: string; event: string; reason: string | null }>(
          'SELECT from_status, to_status, event, reason FROM agent_status_log WHERE agent_id = $1 ORDER BY id',
          [agentId],
        )
      ).rows.map((r) => [r.from_status, r.to_status, r.event, r.reason]);

    test('call events drive ringing → on call → wrap-up, which ends by itself when its time is up', async () => {
      const a = await agent();
      const ev = (e: AgentEvent) => t.s.agentStatus.applyEvent(a.endpoint_id, e);

      assert.deepEqual(await ev({ type: 'call_offered', call: 'ch-1' }), {
        outcome: 'changed',
        agentId: a.id,
        from: 'available',
        to: 'ringing',
      });
      await ev({ type: 'call_answered', call: 'ch-1' });
      await ev({ type: 'call_ended', call: 'ch-1' });
      assert.equal((await t.s.agents.get(a.id)).status, 'wrap_up');

      t.clock.advance(19_000);
      assert.equal(await t.s.agentStatus.endWrapUps(), 0);
      assert.equal((await t.s.agents.get(a.id)).status, 'wrap_up');
      t.clock.advance(1_000);
      const after = await t.s.agents.get(a.id); // reading an agent ends a wrap-up that is due
      assert.equal(after.status, 'available');
      assert.deepEqual(await log(a.id), [
        ['offline', 'available', 'go_available', null],
        ['available', 'ringing', 'call_offered', null],
        ['ringing', 'on_call', 'call_answered', null],
        ['on_call', 'wrap_up', 'call_ended', null],
        ['wrap_up', 'available', 'wrap_up_over', null],
      ]);
    });

    test('the wrap-up time comes from the setting unless the agent has its own; 0 skips wrap-up', async () => {
      await t.s.settings.set(admin, 'agents.wrap_up_seconds', 0);
      const a = await agent('available', null);
      await t.s.agentStatus.applyEvent(a.id, { type: 'call_answered', call: 'ch-2' });

      await t.s.agentStatus.applyEvent(a.id, { type: 'call_ended', call: 'ch-2' });

      assert.equal((await t.s.agents.get(a.id)).status, 'available');
      assert.deepEqual(
        (await log(a.id)).map((r) => r[1]),
        ['available', 'on_call', 'wrap_up', 'available'],
      );
      await t.s.settings.set(admin, 'agents.wrap_up_seconds', 15);
    });

    test('a pause asked for during a call is taken after wrap-up, with its reason logged', async () => {
      const a = await agent();
      await t.s.agentStatus.applyEvent(a.id, { type: 'call_offered', call: 'ch-3' });
      await t.s.agentStatus.change(a.id, { status: 'paused', reason: 'Coaching' });
      await t.s.agentStatus.applyEvent(a.id, { type: 'call_answered', call: 'ch-3' });
      await t.s.agentStatus.applyEvent(a.id, { type: 'call_ended', call: 'ch-3' });
      t.clock.advance(20_000);

      assert.equal(await t.s.agentStatus.endWrapUps(), 1);

      const now = await t.s.agents.get(a.id);
      assert.deepEqual([now.status, now.pause_reason], ['paused', 'Coaching']);
      assert.deepEqual((await log(a.id)).at(-1), ['wrap_up', 'paused', 'wrap_up_over', 'Coaching']);
    });

    test('late, repeated and unknown events change nothing and never throw', async () => {
      const a = await agent();
      await t.s.agentStatus.applyEvent(a.id, { type: 'call_offered', call: 'ch-4' });

      const late = await t.s.agentStatus.applyEvent(a.id, { type: 'call_ended', call: 'ch-old' });
      assert.equal(late.outcome, 'refused');
      const twice = await t.s.agentStatus.applyEvent(a.id, { type: 'call_offered', call: 'ch-4' });
      assert.equal(twice.outcome, 'refused');
      assert.deepEqual(await t.s.agentStatus.applyEvent('no-such-endpoint', { type: 'go_offline' }), {
        outcome: 'unknown_agent',
      });
      assert.equal((await t.s.agents.get(a.id)).status, 'ringing');
      await assert.rejects(t.s.agentStatus.change(a.id, { status: 'offline' }), /end the call first/);
    });

    test('the registration is stored with its details; losing it sends an idle agent offline', async () => {
      const a = await agent();
      const at = t.clock.now();
      const reg = await t.s.agentStatus.setRegistration(a.endpoint_id, 'registered', {
        pbx: 'pbx1',
        contact: 'sip:agent@192.0.2.8:5062',
        userAgent: 'Linphone/5.2',
        address: '192.0.2.8:5062',
        at,
      });
      assert.equal(reg.outcome, 'changed');
      const seen = await t.s.agents.get(a.id);
      assert.deepEqual(
        [seen.registration, seen.registration_user_agent, seen.registration_pbx, seen.ready],
        ['registered', 'Linphone/5.2', 'pbx1', true],
      );
      const stale = new Date(at.getTime() - 1000);
      assert.equal(
        (await t.s.agentStatus.setRegistration(a.endpoint_id, 'unregistered', { at: stale })).outcome,
        'stale',
      );
      assert.equal(
        (await t.s.agentStatus.setRegistration(a.endpoint_id, 'unregistered', { pbx: 'pbx2' })).outcome,
        'other_pbx',
      );

      const lost = await t.s.agentStatus.setRegistration(a.endpoint_id, 'unregistered', { pbx: 'pbx1' });

      assert.equal(lost.outcome === 'changed' && lost.status?.outcome, 'changed');
      const gone = await t.s.agents.get(a.id);
      assert.deepEqual(
        [gone.registration, gone.registration_contact, gone.status],
        ['unregistered', null, 'offline'],
      );
      assert.deepEqual((await log(a.id)).at(-1), ['available', 'offline', 'registration_lost', null]);
    });

    test('two processes changing one agent at once: each change lands on the state it was decided for', async () => {
      const second = await secondProcess(kind, t);
      try {
        const a = await agent();
        // The agent pauses while a call is offered: in either order the agent rings, with the pause noted.
        await Promise.all([
          t.s.agentStatus.applyEvent(a.id, { type: 'call_offered', call: 'ch-race' }),
          second.s.agentStatus.change(a.id, { status: 'paused', reason: 'Break' }),
        ]);
        const raced = await t.s.agents.get(a.id);
        assert.deepEqual([raced.status, raced.pause_reason, raced.call_ref], ['ringing', 'Break', 'ch-race']);

        // Many actions from both at once: the log is one unbroken chain, one row per change.
        const b = await agent();
        const actions = Array.from({ length: 40 }, (_, i) => {
          const svc = i % 2 === 0 ? t.s : second.s;
          const change =
            i % 3 === 0
              ? ({ status: 'available' } as const)
              : i % 3 === 1
                ? ({ status: 'paused', reason: `r${i}` } as const)
                : ({ status: 'offline' } as const);
          return svc.agentStatus.change(b.id, change);
        });
        const outcomes = await Promise.all(actions);
        const changed = outcomes.filter((o) => o.outcome === 'changed').length;
        const chain = await log(b.id);
        for (let i = 1; i < chain.length; i += 1)
          assert.equal(chain[i]![0], chain[i - 1]![1], `log row ${i} starts where row ${i - 1} ended`);
        assert.equal(chain.length, changed + 1); // + the go_available that made it available
        const { rows } = await t.db.query<{ status: string; status_version: number }>(
          'SELECT status, status_version FROM agents WHERE id = $1',
          [b.id],
        );
        assert.equal(rows[0]!.status, chain.at(-1)![1]);
        assert.equal(rows[0]!.status_version, chain.length);
      } finally {
        await second.close();
      }
    });
  });
}

/** Services of another process on the same database (PostgreSQL); PGlite has one process, so the same one. */
async function secondProcess(
  kind: string,
  t: TestServices,
): Promise<{ s: Services; close(): Promise<void> }> {
  if (kind !== 'postgres' || !t.url) return { s: t.s, close: async () => {} };
  const db: Db = createPostgresDb({ connectionString: t.url, max: 5 });
  const s = createServices({
    db,
    clock: t.clock,
    config: { sessionTtlHours: 12, loginMaxFailures: 5, loginLockoutSeconds: 900, defaultPhoneRegion: 'US' },
  });
  return { s, close: () => db.close() };
}
