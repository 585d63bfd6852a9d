import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type Client, type TestApp } from './helpers/app.js';
import { backends } from './helpers/db.js';

type UserClient = Awaited<ReturnType<TestApp['userClient']>>;

const DEFAULT_POLICY = {
  busy: { delay_minutes: 15, max: 3 },
  no_answer: { delay_minutes: 60, max: 3 },
  machine: { delay_minutes: 240, max: 2 },
  failed: { delay_minutes: 30, max: 2 },
  abandoned: { delay_minutes: 30, max: 2 },
};

let seq = 0;
const uniqueName = (stem = 'Campaign') => `${stem} ${++seq}`;

for (const kind of backends()) {
  describe(`dialer campaigns API on ${kind}`, () => {
    let t: TestApp;
    let admin: Client;
    let staff: Client;
    let agent: UserClient;
    let seller: Client;
    let serverId: number;
    before(async () => {
      t = await startTestApp(kind);
      admin = await t.userClient('admin');
      staff = await t.userClient('staff');
      agent = await t.userClient('agent');
      seller = await t.userClient('seller');
      const server = await admin.post('/api/asterisk-servers', {
        name: 'PBX one',
        pbx: 'pbx-one',
        ari_url: 'http://127.0.0.1:8088',
        ari_username: 'capconduit',
        ari_password: 'secret-secret',
      });
      assert.equal(server.status, 201, JSON.stringify(server.body));
      serverId = server.body.id;
    });
    after(() => t.close());

    async function create(over: Record<string, unknown> = {}) {
      const res = await staff.post('/api/dialer/campaigns', { name: uniqueName(), ...over });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res.body;
    }

    test('a campaign made with a name alone has the documented defaults, numbers as numbers, times as HH:MM', async () => {
      const res = await staff.post('/api/dialer/campaigns', { name: '  Spring push  ' });

      assert.equal(res.status, 201, JSON.stringify(res.body));
      const { id, created_at, updated_at, ...rest } = res.body;
      assert.ok(id > 0 && created_at && updated_at);
      assert.deepEqual(rest, {
        name: 'Spring push',
        status: 'paused',
        mode: 'progressive',
        server_id: null,
        max_dial_level: 3,
        abandon_target: 0.03,
        ring_timeout_seconds: 25,
        amd: 'off',
        machine_sound: null,
        abandon_sound: 'capconduit-abandon',
        retry_policy: DEFAULT_POLICY,
        max_attempts: 5,
        callerid_campaign: null,
        dispositions: ['sale', 'callback', 'not_interested', 'wrong_number', 'dnc'],
        call_start: '08:00',
        call_end: '21:00',
        call_days: [1, 2, 3, 4, 5, 6, 7],
        unknown_tz_zone: null,
        version: 0,
      });
      assert.deepEqual((await staff.get(`/api/dialer/campaigns/${id}`)).body, res.body);
      const typed = await t.services.dialerCampaigns.get(id);
      assert.equal(typed.max_dial_level, 3);
      assert.equal(typed.abandon_target, 0.03);
      assert.equal(typed.call_end, '21:00');
    });

    test('every field given is kept as given (decimals rounded to the column, weekdays sorted)', async () => {
      const body = {
        name: uniqueName('Full'),
        status: 'active',
        mode: 'predictive',
        server_id: serverId,
        max_dial_level: 2.5,
        abandon_target: 0.0125,
        ring_timeout_seconds: 30,
        amd: 'message',
        machine_sound: 'custom/leave-message',
        abandon_sound: 'custom/sorry',
        retry_policy: { busy: { delay_minutes: 5, max: 10 } },
        max_attempts: 9,
        callerid_campaign: 'spring',
        dispositions: ['sale', 'dnc'],
        call_start: '09:30',
        call_end: '20:00',
        call_days: [5, 1, 3],
        unknown_tz_zone: 'UTC',
      };

      const res = await admin.post('/api/dialer/campaigns', body);

      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.deepEqual(
        { ...res.body, id: undefined, created_at: undefined, updated_at: undefined, version: undefined },
        {
          ...body,
          id: undefined,
          created_at: undefined,
          updated_at: undefined,
          version: undefined,
          retry_policy: { ...DEFAULT_POLICY, busy: { delay_minutes: 5, max: 10 } },
          call_days: [1, 3, 5],
        },
      );
      const rounded = await admin.patch(`/api/dialer/campaigns/${res.body.id}`, { max_dial_level: 1.234 });
      assert.equal(rounded.body.max_dial_level, 1.23);
    });

    test('bad input is a 400 that says what is wrong', async () => {
      const cases: [Record<string, unknown>, RegExp][] = [
        [{ name: '   ' }, /name must not be blank/],
        [{ name: '' }, /name/],
        [{ name: 'x'.repeat(101) }, /name/],
        [{ call_start: '8:00' }, /call_start/],
        [{ call_end: '24:00' }, /call_end/],
        [{ call_start: '21:00' }, /call_start 21:00 must be before call_end 21:00/],
        [{ call_start: '10:00', call_end: '09:59' }, /call_start 10:00 must be before call_end 09:59/],
        [{ unknown_tz_zone: 'Mars/Olympus' }, /unknown_tz_zone "Mars\/Olympus" is not an IANA time zone/],
        [{ dispositions: ['sale', 'callback'] }, /dispositions must include "dnc"/],
        [{ dispositions: ['sale', 'dnc', 'sale'] }, /dispositions/],
        [{ dispositions: ['Sale', 'dnc'] }, /dispositions/],
        [{ dispositions: [] }, /dispositions/],
        [{ amd: 'message' }, /amd "message" needs machine_sound/],
        [{ machine_sound: 'bad sound!' }, /machine_sound/],
        [{ abandon_sound: '' }, /abandon_sound/],
        [{ retry_policy: { voicemail: { delay_minutes: 5, max: 1 } } }, /unknown field "voicemail"/],
        [{ retry_policy: { busy: { delay_minutes: 0, max: 1 } } }, /retry_policy\/busy\/delay_minutes/],
        [{ retry_policy: { busy: { delay_minutes: 10_081, max: 1 } } }, /delay_minutes/],
        [{ retry_policy: { busy: { delay_minutes: 5, max: 101 } } }, /retry_policy\/busy\/max/],
        [{ retry_policy: { busy: { delay_minutes: 5 } } }, /max/],
        [{ retry_policy: { busy: { delay_minutes: 1.5, max: 1 } } }, /integer/],
        [{ max_dial_level: 0.5 }, /max_dial_level/],
        [{ max_dial_level: 10.5 }, /max_dial_level/],
        [{ abandon_target: 0.6 }, /abandon_target/],
        [{ ring_timeout_seconds: 4 }, /ring_timeout_seconds/],
        [{ max_attempts: 0 }, /max_attempts/],
        [{ callerid_campaign: '' }, /callerid_campaign/],
        [{ call_days: [] }, /call_days/],
        [{ call_days: [1, 1] }, /call_days/],
        [{ call_days: [0] }, /call_days/],
        [{ call_days: [8] }, /call_days/],
        [{ mode: 'manual' }, /mode/],
        [{ status: 'archived' }, /status/],
        [{ server_id: 0 }, /server_id/],
        [{ server_id: 2 ** 53 }, /server_id/],
        [{ server_id: 987_654 }, /server_id 987654: no such Asterisk server/],
        [{ surprise: 1 }, /unknown field "surprise"/],
      ];
      for (const [over, message] of cases) {
        const res = await staff.post('/api/dialer/campaigns', { name: uniqueName('Bad'), ...over });
        assert.equal(res.status, 400, `${JSON.stringify(over)}: ${JSON.stringify(res.body)}`);
        assert.match(res.body.error.message, message, JSON.stringify(over));
      }
      const c = await create();
      for (const [over, message] of cases.filter(([o]) => !('name' in o) || o.name === '   ')) {
        const res = await staff.patch(`/api/dialer/campaigns/${c.id}`, over);
        assert.equal(res.status, 400, `PATCH ${JSON.stringify(over)}: ${JSON.stringify(res.body)}`);
        assert.match(res.body.error.message, message, `PATCH ${JSON.stringify(over)}`);
      }
      assert.equal((await staff.patch(`/api/dialer/campaigns/${c.id}`, {})).status, 400);
      assert.equal((await staff.get('/api/dialer/campaigns/0')).status, 400);
      assert.equal((await staff.get(`/api/dialer/campaigns/${2 ** 53}`)).status, 400);
      assert.equal((await staff.get('/api/dialer/campaigns/987654')).status, 404);
      assert.equal((await staff.patch('/api/dialer/campaigns/987654', { mode: 'preview' })).status, 404);
      assert.equal((await staff.del('/api/dialer/campaigns/987654')).status, 404);
      assert.equal((await staff.get(`/api/dialer/campaigns/${c.id}`)).body.version, 0, 'nothing changed');
    });

    test('names are unique among campaigns not archived, whatever their case', async () => {
      const first = await create({ name: 'Winter Leads' });

      const dup = await staff.post('/api/dialer/campaigns', { name: ' winter LEADS ' });
      assert.equal(dup.status, 409);
      assert.match(dup.body.error.message, /a dialer campaign named "winter LEADS" already exists/);
      const other = await create();
      const renamed = await staff.patch(`/api/dialer/campaigns/${other.id}`, { name: 'WINTER leads' });
      assert.equal(renamed.status, 409);
      assert.match(renamed.body.error.message, /"WINTER leads"/);

      assert.equal((await staff.del(`/api/dialer/campaigns/${first.id}`)).status, 204);
      const again = await staff.post('/api/dialer/campaigns', { name: 'Winter leads' });
      assert.equal(again.status, 201, 'the archived one no longer holds its name');
      const restore = await staff.patch(`/api/dialer/campaigns/${first.id}`, { status: 'paused' });
      assert.equal(restore.status, 409, 'nor can it be restored under it');
      assert.match(restore.body.error.message, /"Winter Leads" already exists/);
    });

    test('a campaign without a server cannot become active', async () => {
      const refused = await staff.post('/api/dialer/campaigns', { name: uniqueName(), status: 'active' });
      assert.equal(refused.status, 409);
      assert.match(refused.body.error.message, /without a server .* cannot be active/);

      const c = await create();
      const activate = await staff.patch(`/api/dialer/campaigns/${c.id}`, { status: 'active' });
      assert.equal(activate.status, 409);
      assert.match(activate.body.error.message, /cannot be active/);

      const ok = await staff.patch(`/api/dialer/campaigns/${c.id}`, {
        status: 'active',
        server_id: serverId,
      });
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      assert.deepEqual([ok.body.status, ok.body.server_id], ['active', serverId]);
      const unset = await staff.patch(`/api/dialer/campaigns/${c.id}`, { server_id: null });
      assert.equal(unset.status, 409);
      const paused = await staff.patch(`/api/dialer/campaigns/${c.id}`, {
        status: 'paused',
        server_id: null,
      });
      assert.equal(paused.status, 200);
      assert.deepEqual([paused.body.status, paused.body.server_id], ['paused', null]);
    });

    test('a change made on a stale version is refused; the current version goes through', async () => {
      const c = await create();
      t.clock.advance(60_000);
      const first = await staff.patch(`/api/dialer/campaigns/${c.id}`, { mode: 'preview', version: 0 });
      assert.equal(first.status, 200);
      assert.equal(first.body.version, 1);
      assert.equal(first.body.updated_at, t.clock.now().toISOString());
      assert.equal(first.body.created_at, c.created_at);

      const stale = await admin.patch(`/api/dialer/campaigns/${c.id}`, { max_attempts: 7, version: 0 });

      assert.equal(stale.status, 412);
      assert.deepEqual(stale.body.error, {
        code: 'precondition_failed',
        message:
          'This dialer campaign was changed by someone else since you loaded it (version 1, you have 0). Reload to see their changes.',
        details: { version: 1 },
      });
      assert.equal((await staff.get(`/api/dialer/campaigns/${c.id}`)).body.max_attempts, 5);
      const current = await admin.patch(`/api/dialer/campaigns/${c.id}`, { max_attempts: 7, version: 1 });
      assert.equal(current.status, 200);
      assert.deepEqual([current.body.max_attempts, current.body.version], [7, 2]);
      const unversioned = await admin.patch(`/api/dialer/campaigns/${c.id}`, { max_attempts: 8 });
      assert.deepEqual([unversioned.body.max_attempts, unversioned.body.version], [8, 3]);
    });

    test('a retry_policy change keeps the outcomes it does not name', async () => {
      const c = await create({ retry_policy: { machine: { delay_minutes: 600, max: 1 } } });
      const res = await staff.patch(`/api/dialer/campaigns/${c.id}`, {
        retry_policy: { busy: { delay_minutes: 10_080, max: 0 } },
      });
      assert.equal(res.status, 200);
      assert.deepEqual(res.body.retry_policy, {
        ...DEFAULT_POLICY,
        machine: { delay_minutes: 600, max: 1 },
        busy: { delay_minutes: 10_080, max: 0 },
      });
    });

    test('archiving waits for the agents in the campaign and its calls in progress', async () => {
      const c = await create({ name: uniqueName('Busy') });
      const ag = await staff.post('/api/agents', { user_id: agent.user.id, extension: '4100' });
      assert.equal(ag.status, 201, JSON.stringify(ag.body));
      await t.db.query(
        `INSERT INTO dialer_sessions (agent_id, campaign_id, server_id, state, channel_id, bridge_id, joined_at)
         VALUES ($1, $2, $3, 'ready', 'chan-1', 'bridge-1', now())`,
        [ag.body.agent.id, c.id, serverId],
      );

      const withAgent = await staff.del(`/api/dialer/campaigns/${c.id}`);

      assert.equal(withAgent.status, 409);
      assert.match(withAgent.body.error.message, /1 agent\(s\) in it/);
      assert.deepEqual(withAgent.body.error.details, { sessions: 1, open_calls: 0 });
      await t.db.query('DELETE FROM dialer_sessions WHERE campaign_id = $1', [c.id]);
      const call = await t.db.query<{ id: number }>(
        `INSERT INTO calls (direction, pbx, uniqueid, state, did, did_raw, caller_id, dialer_campaign_id,
                            routing_status, started_at, expires_at)
         VALUES ('outbound', 'pbx-one', 'dialer-1', 'waiting_agent', '+15551230000', '+15551230000',
                 '+15557650000', $1, 'routed', now(), now() + interval '1 hour') RETURNING id`,
        [c.id],
      );
      const withCall = await staff.del(`/api/dialer/campaigns/${c.id}`);
      assert.equal(withCall.status, 409);
      assert.deepEqual(withCall.body.error.details, { sessions: 0, open_calls: 1 });
      await t.db.query('DELETE FROM calls WHERE id = $1', [call.rows[0]!.id]);

      assert.equal((await staff.del(`/api/dialer/campaigns/${c.id}`)).status, 204);
      const archived = (await staff.get(`/api/dialer/campaigns/${c.id}`)).body;
      assert.deepEqual([archived.status, archived.version], ['archived', 1]);
      assert.equal((await staff.del(`/api/dialer/campaigns/${c.id}`)).status, 204, 'already archived');
      const listed = await staff.get('/api/dialer/campaigns?limit=500');
      assert.ok(!listed.body.items.some((x: { id: number }) => x.id === c.id), 'archived hidden');
      assert.ok(listed.body.items.every((x: { status: string }) => x.status !== 'archived'));
      const asked = await staff.get('/api/dialer/campaigns?status=archived&limit=500');
      assert.ok(asked.body.items.some((x: { id: number }) => x.id === c.id));
      assert.ok(asked.body.items.every((x: { status: string }) => x.status === 'archived'));
    });

    test('the list pages and filters by status', async () => {
      const a = await create({ status: 'active', server_id: serverId });
      const paused = await staff.get('/api/dialer/campaigns?status=paused&limit=500');
      assert.ok(paused.body.items.every((x: { status: string }) => x.status === 'paused'));
      assert.ok(!paused.body.items.some((x: { id: number }) => x.id === a.id));
      const active = await staff.get('/api/dialer/campaigns?status=active&limit=1');
      assert.equal(active.body.items[0].id, a.id, 'newest first');
      assert.ok(active.body.total >= 1);
      assert.deepEqual([active.body.limit, active.body.offset], [1, 0]);
    });

    test('an agent reads only what the console needs; sellers get nothing', async () => {
      const c = await create({ dispositions: ['sale', 'dnc'] });

      const one = await agent.get(`/api/dialer/campaigns/${c.id}`);
      const list = await agent.get('/api/dialer/campaigns?limit=500');

      const narrow = {
        id: c.id,
        name: c.name,
        status: 'paused',
        mode: 'progressive',
        dispositions: ['sale', 'dnc'],
      };
      assert.equal(one.status, 200);
      assert.deepEqual(one.body, narrow);
      assert.deepEqual(
        list.body.items.find((x: { id: number }) => x.id === c.id),
        narrow,
      );
      for (const item of list.body.items)
        assert.deepEqual(Object.keys(item).sort(), Object.keys(narrow).sort());
      assert.equal((await agent.patch(`/api/dialer/campaigns/${c.id}`, { mode: 'preview' })).status, 403);
      assert.equal((await agent.post('/api/dialer/campaigns', { name: uniqueName() })).status, 403);
      assert.equal((await agent.del(`/api/dialer/campaigns/${c.id}`)).status, 403);
      assert.equal((await agent.get('/api/dialer/windows')).status, 403);
      for (const res of [
        await seller.get('/api/dialer/campaigns'),
        await seller.get(`/api/dialer/campaigns/${c.id}`),
        await seller.post('/api/dialer/campaigns', { name: uniqueName() }),
        await seller.patch(`/api/dialer/campaigns/${c.id}`, { mode: 'preview' }),
        await seller.del(`/api/dialer/campaigns/${c.id}`),
        await seller.get('/api/dialer/windows'),
        await seller.put('/api/dialer/windows/US/CA', { window_start: '09:00', window_end: '20:00' }),
        await seller.del('/api/dialer/windows/US/CA'),
      ]) {
        assert.equal(res.status, 403);
        assert.equal(res.body.error.code, 'forbidden');
      }
    });

    test('region windows: set, replace, list, remove', async () => {
      const put = await staff.put('/api/dialer/windows/US/ca', {
        window_start: '09:00',
        window_end: '20:00',
      });
      assert.equal(put.status, 200, JSON.stringify(put.body));
      assert.deepEqual(put.body, { country: 'US', region: 'CA', window_start: '09:00', window_end: '20:00' });
      await admin.put('/api/dialer/windows/CA/ON', { window_start: '10:00', window_end: '19:30' });
      const replaced = await admin.put('/api/dialer/windows/US/CA', {
        window_start: '08:30',
        window_end: '20:00',
      });
      assert.equal(replaced.body.window_start, '08:30');

      assert.deepEqual((await staff.get('/api/dialer/windows')).body, {
        items: [
          { country: 'CA', region: 'ON', window_start: '10:00', window_end: '19:30' },
          { country: 'US', region: 'CA', window_start: '08:30', window_end: '20:00' },
        ],
      });

      const bad: [string, Record<string, unknown>, RegExp][] = [
        ['/api/dialer/windows/US/TX', { window_start: '20:00', window_end: '09:00' }, /must be before/],
        ['/api/dialer/windows/US/TX', { window_start: '09:00', window_end: '09:00' }, /must be before/],
        ['/api/dialer/windows/US/TX', { window_start: '9:00', window_end: '20:00' }, /window_start/],
        ['/api/dialer/windows/US/TX', { window_start: '09:00' }, /window_end/],
        ['/api/dialer/windows/us/TX', { window_start: '09:00', window_end: '20:00' }, /country/],
        ['/api/dialer/windows/USA/TX', { window_start: '09:00', window_end: '20:00' }, /country/],
        ['/api/dialer/windows/US/ABCDEFGHIJK', { window_start: '09:00', window_end: '20:00' }, /region/],
      ];
      for (const [path, body, message] of bad) {
        const res = await staff.put(path, body);
        assert.equal(res.status, 400, `${path} ${JSON.stringify(body)}: ${JSON.stringify(res.body)}`);
        assert.match(res.body.error.message, message);
      }

      assert.equal((await staff.del('/api/dialer/windows/US/ca')).status, 204);
      assert.equal((await staff.del('/api/dialer/windows/US/CA')).status, 404);
      assert.deepEqual((await staff.get('/api/dialer/windows')).body.items, [
        { country: 'CA', region: 'ON', window_start: '10:00', window_end: '19:30' },
      ]);
    });

    test('the default calling window is a setting', async () => {
      const settings = await admin.get('/api/settings');
      const byKey = new Map(
        settings.body.items.map((s: { key: string; value: unknown }) => [s.key, s.value]),
      );
      assert.equal(byKey.get('dialer.window_start'), '08:00');
      assert.equal(byKey.get('dialer.window_end'), '21:00');
    });
  });
}
