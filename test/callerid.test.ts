import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type TestApp } from './helpers/app.js';
import type { DbKind } from '../src/db/db.js';
import { backends } from './helpers/db.js';
import { startCapConduit, type CapConduitProcess } from './helpers/process.js';

const TOKEN = 'cid-token-0123456789abcdef';
const H = { 'x-api-token': TOKEN };

for (const kind of backends()) {
  describe(`caller-ID rotation on ${kind}`, () => {
    let t: TestApp;
    const add = (body: Record<string, unknown>) => t.anon.request('POST', '/add-number', body, H);
    const next = (q: string) => t.anon.request('GET', `/next-cid?${q}`, undefined, H);
    before(async () => {
      t = await startTestApp(kind, { callerIdApiToken: TOKEN });
      const admin = await t.userClient('admin');
      await admin.put('/api/settings/callerid.agent_requests_per_minute', { value: 100_000 });
    });
    after(() => t.close());

    test('the seed-003 contract: /add-number needs the token and validates; /next-cid answers its fields', async () => {
      assert.equal((await t.anon.post('/add-number', { caller_id: '+12125550101' })).status, 401);
      const added = await add({
        caller_id: '(212) 555-0101',
        carrier: 'acme',
        daily_limit: 500,
        hourly_limit: 100,
        meta: { note: 'x' },
      });
      assert.equal(added.status, 201, JSON.stringify(added.body));
      assert.deepEqual(added.body.caller_id, '+12125550101');
      assert.equal(added.body.region, 'NY');
      assert.equal((await add({ caller_id: '+12125550101' })).status, 409);
      assert.equal((await add({ caller_id: 'not a number' })).status, 400);
      assert.equal((await add({ caller_id: '+12125550102', colour: 'red' })).status, 400);
      assert.equal((await add({ caller_id: '+12125550102', area_code: '646' })).status, 400);

      const r = await next('to=2125550199&campaign=&agent=a1');
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.caller_id, '2125550101');
      assert.equal(r.body.caller_id_e164, '+12125550101');
      assert.equal(r.body.agent, 'a1');
      assert.equal(r.body.match, 'area_code');
      assert.ok(Date.parse(r.body.expires_at) - t.clock.now().getTime() === 300_000);
      assert.equal(
        (await t.anon.request('DELETE', `/api/reservation/${r.body.reservation_id}`, undefined, H)).status,
        204,
      );
      assert.equal(
        (await t.anon.request('DELETE', `/api/reservation/${r.body.reservation_id}`, undefined, H)).status,
        404,
      );
    });

    test('/next-cid error cases say what is wrong', async () => {
      assert.equal((await t.anon.get('/next-cid?to=2125550199')).status, 401);
      const viaQuery = await t.anon.get(`/next-cid?to=2125550199&token=${TOKEN}`);
      assert.equal(viaQuery.status, 200);
      await t.anon.request('DELETE', `/api/reservation/${viaQuery.body.reservation_id}`, undefined, H);
      const missing = await next('campaign=x');
      assert.deepEqual([missing.status, missing.body.error.details.field], [400, 'to']);
      assert.equal((await next('to=123')).status, 400);
    });

    test('preference: same area code, then same state, then the campaign pool, then global; least recently used first', async () => {
      for (const n of ['+13155550101', '+14155550101', '+14155550102']) await add({ caller_id: n });
      await add({ caller_id: '+16025550101', campaign: 'sales' });
      const dest = '5185550100'; // 518: New York, no number has it
      const picks = [];
      for (let i = 0; i < 4; i++) {
        const r = await next(`to=${dest}&campaign=sales`);
        picks.push([r.body.caller_id, r.body.match]);
      }
      assert.deepEqual(
        picks.slice(0, 2).map((p) => p[1]),
        ['region', 'region'],
      ); // 212… and 315… (NY)
      assert.deepEqual(picks[2], ['6025550101', 'campaign_pool']);
      assert.deepEqual(picks[3]![1], 'global');
      assert.equal((await next(`to=${dest}`)).body.caller_id, '4155550102'); // the sales pool is not global
    });

    test("a campaign's own pool comes first at every level, a campaign without one is served like no campaign", async () => {
      // a global 303 number used never (first by LRU) and the campaign's own 303 number
      await add({ caller_id: '+13035550101' });
      await add({ caller_id: '+13035550102', campaign: 'denver' });
      const first = await next('to=3035550100&campaign=denver');
      assert.deepEqual([first.body.caller_id, first.body.match], ['3035550102', 'area_code']);
      const second = await next('to=3035550100&campaign=denver');
      assert.deepEqual([second.body.caller_id, second.body.match], ['3035550101', 'area_code']);
      // a campaign label with no pool: the shared pools, and its name on the allocation
      await add({ caller_id: '+13035550103' });
      const labelled = await next('to=3035550100&campaign=no-pool-here');
      assert.deepEqual([labelled.body.caller_id, labelled.body.match], ['3035550103', 'area_code']);
      const { rows } = await t.db.query<{ campaign: string }>(
        'SELECT campaign FROM callerid_allocations WHERE id = $1',
        [labelled.body.reservation_id],
      );
      assert.equal(rows[0]!.campaign, 'no-pool-here');
    });

    test('reservations expire after the TTL; limits roll over with the hour and the day', async () => {
      t.clock.set('2030-01-07T15:00:00Z'); // every earlier reservation is over; 10:00 in New York
      await add({ caller_id: '+19175550101', hourly_limit: 1, daily_limit: 2 });
      const first = await next('to=9175550100');
      assert.equal(first.body.caller_id, '9175550101');
      const second = await next('to=9175550100');
      assert.notEqual(second.body.caller_id, '9175550101');
      t.clock.advance(301_000);
      // reservation over, but the hourly limit (1) is used up this hour
      const third = await next('to=9175550100');
      assert.notEqual(third.body.caller_id, '9175550101');
      t.clock.advance(3600_000);
      assert.equal((await next('to=9175550100')).body.caller_id, '9175550101');
      t.clock.advance(3600_000);
      assert.notEqual((await next('to=9175550100')).body.caller_id, '9175550101'); // daily limit 2 reached
      t.clock.advance(24 * 3600_000);
      assert.equal((await next('to=9175550100')).body.caller_id, '9175550101');
    });

    test('when nothing is free the answer says why', async () => {
      const t2 = await startTestApp(kind, { callerIdApiToken: TOKEN });
      try {
        const empty = await t2.anon.request('GET', '/next-cid?to=2125550100', undefined, H);
        assert.deepEqual([empty.status, empty.body.error.details.reason], [409, 'pool_empty']);
        await t2.anon.request('POST', '/add-number', { caller_id: '+12125550180' }, H);
        await t2.anon.request('GET', '/next-cid?to=2125550100', undefined, H);
        const reserved = await t2.anon.request('GET', '/next-cid?to=2125550100', undefined, H);
        assert.deepEqual([reserved.status, reserved.body.error.details.reason], [409, 'all_reserved']);
      } finally {
        await t2.close();
      }
    });

    test('the reason for a refusal is counted at most once a second per process', async () => {
      const t2 = await startTestApp(kind, { callerIdApiToken: TOKEN });
      try {
        const ask = () => t2.anon.request('GET', '/next-cid?to=2125550100', undefined, H);
        const added = await t2.anon.request('POST', '/add-number', { caller_id: '+12125550181' }, H);
        await ask();
        assert.equal((await ask()).body.error.details.reason, 'all_reserved');
        const staff = await t2.userClient('staff');
        await staff.patch(`/api/callerid/numbers/${added.body.id}`, { status: 'disabled' });
        // Within the second the count is shared: still refused, still the reason just counted.
        const soon = await ask();
        assert.deepEqual([soon.status, soon.body.error.details.reason], [409, 'all_reserved']);
        t2.clock.advance(1000);
        const later = await ask();
        assert.deepEqual([later.status, later.body.error.details.reason], [409, 'pool_empty']);
      } finally {
        await t2.close();
      }
    });

    test('an agent past the per-minute rate gets 429 with Retry-After', async () => {
      const admin = await t.userClient('admin');
      await admin.put('/api/settings/callerid.agent_requests_per_minute', { value: 2 });
      await next('to=2125550100&agent=fast');
      await next('to=2125550100&agent=fast');
      const third = await next('to=2125550100&agent=fast');
      assert.equal(third.status, 429);
      assert.ok(Number(third.headers.get('retry-after')) >= 1);
      await admin.put('/api/settings/callerid.agent_requests_per_minute', { value: 100_000 });
    });

    test("an agent's simultaneous requests count exactly against its rate, batched or not", async () => {
      const admin = await t.userClient('admin');
      await admin.put('/api/settings/callerid.agent_requests_per_minute', { value: 3 });
      t.clock.advance(60_000); // a new minute: every agent's count starts again
      for (let i = 0; i < 12; i++) await add({ caller_id: `+1305555${String(2000 + i)}` });
      const answers = await Promise.all(
        Array.from({ length: 12 }, (_, i) => next(`to=3055550100&agent=${i % 2 ? 'burst-a' : 'burst-b'}`)),
      );
      const by = (agent: string) => answers.filter((_, i) => (i % 2 ? 'burst-a' : 'burst-b') === agent);
      for (const agent of ['burst-a', 'burst-b']) {
        assert.deepEqual(
          by(agent)
            .map((r) => r.status)
            .sort(),
          [200, 200, 200, 429, 429, 429],
          agent,
        );
      }
      const ids = answers.filter((r) => r.status === 200).map((r) => r.body.caller_id);
      assert.equal(new Set(ids).size, 6);
      await admin.put('/api/settings/callerid.agent_requests_per_minute', { value: 100_000 });
    });
  });
}

describe('500 simultaneous requests for 50 numbers', () => {
  // Commits that wait for the disk run two statements in flight per level, the others one.
  const cases = backends().flatMap((kind): { kind: DbKind; durable: boolean }[] =>
    kind === 'postgres'
      ? [
          { kind, durable: false },
          { kind, durable: true },
        ]
      : [{ kind, durable: false }],
  );
  for (const { kind, durable } of cases) {
    test(`${kind}${durable ? ', durable allocations' : ''}: every number handed out once, the rest told none is available`, async () => {
      const t = await startTestApp(kind, { callerIdApiToken: TOKEN });
      let other: CapConduitProcess | undefined;
      try {
        if (durable)
          await t.db.query(
            `INSERT INTO settings (key, value) VALUES ('callerid.durable_allocations', 'true')`,
          );
        for (let i = 0; i < 50; i++) {
          await t.anon.request('POST', '/add-number', { caller_id: `+1212555${String(1000 + i)}` }, H);
        }
        const urls = [t.url];
        if (kind === 'postgres') {
          const { rows } = await t.db.query<{ db: string }>('SELECT current_database() AS db');
          const url = new URL(process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
          url.pathname = `/${rows[0]!.db}`;
          other = await startCapConduit(
            ['--roles', 'api'],
            { DATABASE_URL: url.toString(), CID_API_TOKEN: TOKEN },
            /running at (http:\/\/\S+)/,
          );
          urls.push(other.match[1]!);
        }
        const results = await Promise.all(
          Array.from({ length: 500 }, (_, i) =>
            fetch(`${urls[i % urls.length]}/next-cid?to=2125550100&agent=agent${i}`, { headers: H }).then(
              async (r) => ({
                status: r.status,
                body: (await r.json()) as any,
              }),
            ),
          ),
        );
        const ok = results.filter((r) => r.status === 200).map((r) => r.body.caller_id);
        assert.equal(ok.length, 50);
        assert.equal(new Set(ok).size, 50);
        assert.equal(
          results.filter((r) => r.status === 409 && r.body.error.details.reason === 'all_reserved').length,
          450,
        );
      } finally {
        await other?.stop();
        await t.close();
      }
    });
  }
});
