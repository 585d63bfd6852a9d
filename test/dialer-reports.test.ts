import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type Client, type TestApp } from './helpers/app.js';
import { backends } from './helpers/db.js';

/** The day the figures are about; the server's clock stands at its 18:00. */
const DAY = '2026-03-10';
const at = (hms: string, day = DAY) => `${day}T${hms}Z`;

interface Agent {
  id: number;
  userId: number;
  extension: string;
}

for (const kind of backends()) {
  describe(`dialer reports on ${kind}`, () => {
    let t: TestApp;
    let staff: Client;
    let ann: Agent;
    let bob: Agent;
    let cid: Agent;
    const campaign: Record<'spring' | 'summer' | 'quiet' | 'old', number> = {
      spring: 0,
      summer: 0,
      quiet: 0,
      old: 0,
    };
    let seq = 0;

    /** A call of the dialer's (or, without campaign, an agent's own) as the call log keeps it. */
    async function call(c: {
      campaign: number | null;
      agent?: Agent;
      outcome: string | null;
      started: string;
      answered?: string;
      ended?: string;
      disposition?: string;
    }): Promise<number> {
      const open = c.ended === undefined;
      const { rows } = await t.db.query<{ id: number }>(
        `INSERT INTO calls (direction, pbx, uniqueid, state, did, agent_id, routing_status, started_at,
                            answered_at, ended_at, disposition, source, expires_at, dialer_campaign_id,
                            dialer_outcome, agent_disposition)
         VALUES ('outbound', 'pbx1', $1, $2, '+13125550100', $3, 'routed', $4, $5, $6, $7, $8,
                 $4::timestamptz + interval '1 hour', $9, $10, $11)
         RETURNING id`,
        [
          `report-${++seq}`,
          open ? 'customer_dialing' : 'ended',
          c.agent?.userId ?? null,
          c.started,
          c.answered ?? null,
          c.ended ?? null,
          open ? null : c.answered ? 'ANSWERED' : 'NO ANSWER',
          open ? null : 'ari',
          c.campaign,
          c.outcome,
          c.disposition ?? null,
        ],
      );
      return rows[0]!.id;
    }

    /** An agent's status history: [time, status, reason or call id]. */
    async function history(a: Agent, rows: [string, string, (string | number)?][]) {
      let from = 'offline';
      for (const [when, status, extra] of rows) {
        await t.db.query(
          `INSERT INTO agent_status_log (agent_id, user_id, extension, from_status, to_status, event, reason, call_ref, at)
           VALUES ($1, $2, $3, $4, $5, 'test', $6, $7, $8)`,
          [
            a.id,
            a.userId,
            a.extension,
            from,
            status,
            status === 'paused' ? extra : null,
            typeof extra === 'number' ? `call:${extra}` : null,
            at(when),
          ],
        );
        from = status;
      }
    }

    before(async () => {
      t = await startTestApp(kind);
      t.clock.set(at('18:00:00'));
      const admin = await t.userClient('admin');
      staff = await t.userClient('staff');
      const agent = async (name: string, extension: string): Promise<Agent> => {
        const u = await t.userClient('agent', name);
        const res = await admin.post('/api/agents', { user_id: u.user.id, extension });
        assert.equal(res.status, 201, JSON.stringify(res.body));
        return { id: res.body.agent.id, userId: u.user.id, extension };
      };
      ann = await agent('Ann Agent', '5101');
      bob = await agent('Bob Agent', '5102');
      cid = await agent('Cid Agent', '5103');
      const insert = async (name: string, status = 'paused') =>
        (
          await t.db.query<{ id: number }>(
            'INSERT INTO dialer_campaigns (name, status, abandon_target) VALUES ($1, $2, 0.05) RETURNING id',
            [name, status],
          )
        ).rows[0]!.id;
      campaign.spring = await insert('Spring');
      campaign.summer = await insert('Summer');
      campaign.quiet = await insert('Quiet');
      campaign.old = await insert('Old', 'archived');

      const { spring, summer } = campaign;
      const c1 = await call({
        campaign: spring,
        agent: ann,
        outcome: 'human',
        started: at('09:10:00'),
        answered: at('09:10:05'),
        ended: at('09:12:05'),
        disposition: 'sale',
      });
      const c2 = await call({
        campaign: spring,
        agent: ann,
        outcome: 'human',
        started: at('09:20:00'),
        answered: at('09:20:03'),
        ended: at('09:21:03'),
        disposition: 'callback',
      });
      const c3 = await call({
        campaign: spring,
        agent: bob,
        outcome: 'human',
        started: at('09:30:00'),
        answered: at('09:30:02'),
        ended: at('09:30:32'),
        disposition: 'sale',
      });
      const abandoned = { answered: at('09:40:05'), ended: at('09:40:20') };
      await call({ campaign: spring, outcome: 'abandoned', started: at('09:40:00'), ...abandoned });
      for (const [i, outcome] of ['machine', 'busy', 'no_answer', 'failed', 'not_dialed'].entries())
        await call({
          campaign: spring,
          outcome,
          started: at(`09:4${i + 1}:00`),
          ended: at(`09:4${i + 1}:20`),
        });
      await call({ campaign: spring, outcome: null, started: at('11:59:00') }); // in progress
      // Before the period: counted in the 30 days before its end, or not at all.
      await call({
        campaign: spring,
        outcome: 'abandoned',
        started: at('10:00:00', '2026-02-20'),
        ...abandoned,
      });
      await call({ campaign: spring, outcome: 'human', started: at('10:00:00', '2026-03-01'), ...abandoned });
      await call({
        campaign: spring,
        outcome: 'abandoned',
        started: at('10:00:00', '2026-02-01'),
        ...abandoned,
      });
      const c4 = await call({
        campaign: summer,
        agent: bob,
        outcome: 'human',
        started: at('10:30:00'),
        answered: at('10:30:10'),
        ended: at('10:31:10'),
        disposition: 'not_interested',
      });
      // Bob's own call (click-to-call): no campaign's.
      const own = await call({
        campaign: null,
        agent: bob,
        outcome: null,
        started: at('11:00:00'),
        answered: at('11:00:10'),
        ended: at('11:01:10'),
      });

      await history(ann, [
        ['08:00:00', 'available'],
        ['09:10:04', 'ringing', c1],
        ['09:10:05', 'on_call', c1],
        ['09:12:05', 'wrap_up'],
        ['09:12:35', 'available'],
        ['09:20:03', 'on_call', c2],
        ['09:21:03', 'wrap_up'],
        ['09:22:03', 'paused', 'Lunch'],
        ['10:22:03', 'available'],
        ['11:00:00', 'offline'],
      ]);
      await history(bob, [
        ['09:25:00', 'available'],
        ['09:30:02', 'on_call', c3],
        ['09:30:32', 'wrap_up'],
        ['09:31:02', 'available'],
        ['10:00:00', 'offline'],
        ['10:20:00', 'available'],
        ['10:30:10', 'on_call', c4],
        ['10:31:10', 'wrap_up'],
        ['10:31:40', 'paused', 'Break'],
        ['10:41:40', 'available'],
        ['11:00:00', 'ringing', own],
        ['11:00:10', 'on_call', own],
        ['11:01:10', 'wrap_up'],
        ['11:01:20', 'available'],
      ]);
      // Cid waits from 17:00, and in the Quiet campaign's session from 17:30 (no call yet).
      await history(cid, [['17:00:00', 'available']]);
      await t.db.query(
        `INSERT INTO dialer_sessions (agent_id, campaign_id, state, channel_id, bridge_id, joined_at)
         VALUES ($1, $2, 'ready', 'cc-session-x', 'cc-agent-x', $3)`,
        [cid.id, campaign.quiet, at('17:30:00')],
      );
    });
    after(() => t.close());

    const MORNING = `from=${at('09:00:00')}&to=${at('12:00:00')}`;
    const zeroAgent = { ring_seconds: 0, paused_seconds: {}, dispositions: {} };

    test('per campaign: dials by outcome, abandon rates, talk from the calls, wait, wrap and utilisation from the status history', async () => {
      const res = await staff.get(`/api/dialer/reports/campaigns?${MORNING}`);

      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.from, at('09:00:00').replace('Z', '.000Z'));
      assert.equal(res.body.to, at('12:00:00').replace('Z', '.000Z'));
      assert.deepEqual(
        res.body.items.map((c: any) => c.name),
        ['Quiet', 'Spring', 'Summer'],
        'archived campaigns without calls are left out',
      );
      const [quiet, spring, summer] = res.body.items;
      const annSpring = {
        user_id: ann.userId,
        agent_id: ann.id,
        name: 'Ann Agent',
        extension: '5101',
        calls: 2,
        talk_seconds: 180,
        wait_seconds: 604 + 448 + 2277,
        ring_seconds: 1,
        on_call_seconds: 180,
        wrap_seconds: 90,
        paused_seconds: { Lunch: 3600 },
        utilisation: 180 / 3600,
        dispositions: { sale: 1, callback: 1 },
      };
      const bobSpring = {
        ...zeroAgent,
        user_id: bob.userId,
        agent_id: bob.id,
        name: 'Bob Agent',
        extension: '5102',
        calls: 1,
        talk_seconds: 30,
        wait_seconds: 302 + 1738,
        on_call_seconds: 30,
        wrap_seconds: 30,
        utilisation: 30 / 2100,
        dispositions: { sale: 1 },
      };
      assert.deepEqual(spring, {
        id: campaign.spring,
        name: 'Spring',
        status: 'paused',
        mode: 'progressive',
        abandon_target: 0.05,
        dials: 9,
        answered: 4,
        human: 3,
        machine: 1,
        busy: 1,
        no_answer: 1,
        failed: 1,
        abandoned: 1,
        abandon_rate: 0.25,
        abandon_rate_30d: 2 / 6,
        talk_seconds: 210,
        wait_seconds: 3329 + 2040,
        wrap_seconds: 120,
        utilisation: 210 / 5700,
        dispositions: { sale: 2, callback: 1 },
        agents: [annSpring, bobSpring],
      });
      assert.deepEqual(
        { ...summer, agents: undefined },
        {
          id: campaign.summer,
          name: 'Summer',
          status: 'paused',
          mode: 'progressive',
          abandon_target: 0.05,
          dials: 1,
          answered: 1,
          human: 1,
          machine: 0,
          busy: 0,
          no_answer: 0,
          failed: 0,
          abandoned: 0,
          abandon_rate: 0,
          abandon_rate_30d: 0,
          talk_seconds: 60,
          wait_seconds: 610 + 1100,
          wrap_seconds: 30,
          utilisation: 60 / 1800,
          dispositions: { not_interested: 1 },
          agents: undefined,
        },
      );
      assert.deepEqual(summer.agents[0].paused_seconds, { Break: 600 });
      assert.equal(quiet.dials, 0);
      assert.equal(quiet.abandon_rate, null);
      assert.equal(quiet.abandon_rate_30d, null);
      assert.equal(quiet.utilisation, null);
      assert.deepEqual(quiet.agents, []);
    });

    test('per agent: all their dialer calls and all their time, pauses by reason; a campaign narrows both', async () => {
      const all = await staff.get(`/api/dialer/reports/agents?${MORNING}`);
      const summer = await staff.get(`/api/dialer/reports/agents?${MORNING}&campaign_id=${campaign.summer}`);

      assert.equal(all.status, 200, JSON.stringify(all.body));
      assert.equal(all.body.campaign_id, null);
      assert.deepEqual(
        all.body.items.map((a: any) => a.name),
        ['Ann Agent', 'Bob Agent'],
      );
      const bobAll = {
        user_id: bob.userId,
        agent_id: bob.id,
        name: 'Bob Agent',
        extension: '5102',
        calls: 2,
        talk_seconds: 90,
        wait_seconds: 2040 + 1710 + 3520,
        ring_seconds: 10,
        on_call_seconds: 150,
        wrap_seconds: 70,
        paused_seconds: { Break: 600 },
        utilisation: 150 / 7500,
        dispositions: { sale: 1, not_interested: 1 },
      };
      assert.deepEqual(all.body.items[1], bobAll);
      assert.equal(all.body.items[0].wait_seconds, 3329);

      assert.equal(summer.status, 200, JSON.stringify(summer.body));
      assert.equal(summer.body.campaign_id, campaign.summer);
      assert.deepEqual(summer.body.items, [
        {
          ...bobAll,
          calls: 1,
          talk_seconds: 60,
          wait_seconds: 1710,
          ring_seconds: 0,
          on_call_seconds: 60,
          wrap_seconds: 30,
          utilisation: 60 / 1800,
          dispositions: { not_interested: 1 },
        },
      ]);
    });

    test("by default today (UTC) until now; time in an agent's current session counts for its campaign, none after now", async () => {
      const today = await staff.get('/api/dialer/reports/campaigns');
      const late = await staff.get(`/api/dialer/reports/agents?from=${at('17:00:00')}&to=${at('19:00:00')}`);

      assert.equal(today.status, 200, JSON.stringify(today.body));
      assert.equal(today.body.from, `${DAY}T00:00:00.000Z`);
      assert.equal(today.body.to, at('18:00:00').replace('Z', '.000Z'));
      const quiet = today.body.items.find((c: any) => c.id === campaign.quiet);
      assert.equal(quiet.wait_seconds, 1800, 'from joining at 17:30 until now');
      assert.deepEqual(
        quiet.agents.map((a: any) => [a.name, a.wait_seconds]),
        [['Cid Agent', 1800]],
      );
      const spring = today.body.items.find((c: any) => c.id === campaign.spring);
      assert.equal(spring.dials, 9);

      assert.equal(late.status, 200, JSON.stringify(late.body));
      const cidRow = late.body.items.find((a: any) => a.user_id === cid.userId);
      assert.equal(cidRow.wait_seconds, 3600, 'time is counted until now, not until `to`');
      assert.equal(cidRow.utilisation, 0);
    });

    test('a period backwards, too long or unreadable is refused; an unknown campaign is 404', async () => {
      const backwards = await staff.get(
        `/api/dialer/reports/campaigns?from=${at('12:00:00')}&to=${at('09:00:00')}`,
      );
      const tooLong = await staff.get(
        `/api/dialer/reports/agents?from=2025-01-01T00:00:00Z&to=${at('12:00:00')}`,
      );
      const garbled = await staff.get('/api/dialer/reports/campaigns?from=yesterday');
      const unknown = await staff.get(`/api/dialer/reports/agents?campaign_id=987654`);

      assert.equal(backwards.status, 400);
      assert.match(backwards.body.error.message, /must be before/);
      assert.equal(tooLong.status, 400);
      assert.match(tooLong.body.error.message, /at most 92 days/);
      assert.equal(garbled.status, 400);
      assert.equal(unknown.status, 404);
    });
  });
}
