import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type Client, type TestApp } from './helpers/app.js';
import { backends } from './helpers/db.js';

const TOKEN = 'cid-token-0123456789abcdef';
const H = { 'x-api-token': TOKEN };

interface NoticeRow {
  user_id: number;
  title: string;
  body: string;
  data: Record<string, any>;
  read_at: Date | null;
}

/** A number entering cooldown tells its seller and the admins (notification) and webhooks (outbox). */
for (const kind of backends()) {
  describe(`caller-ID cooldown notices on ${kind}`, () => {
    let t: TestApp;
    let admin: Client & { user: { id: number } };
    let seller: Client & { user: { id: number } };
    let other: Client & { user: { id: number } };
    let poolId: number;
    let admins: number[];
    const notices = async (userId: number) =>
      (
        await t.db.query<NoticeRow>(
          `SELECT user_id, title, body, data, read_at FROM notifications
            WHERE user_id = $1 AND kind = 'caller_id_cooldown' ORDER BY id`,
          [userId],
        )
      ).rows;
    const events = async () =>
      (
        await t.db.query<{ subscription_id: number; payload: any }>(
          `SELECT subscription_id, payload FROM webhook_outbox WHERE event = 'caller_id.cooled_down' ORDER BY id`,
        )
      ).rows;
    const addNumber = async (caller_id: string, pool_id: number) => {
      const r = await admin.post('/api/callerid/numbers', { caller_id, pool_id });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return r.body.id as number;
    };

    before(async () => {
      t = await startTestApp(kind, { callerIdApiToken: TOKEN });
      admin = await t.userClient('admin');
      seller = await t.userClient('seller');
      other = await t.userClient('seller');
      admins = (
        await t.db.query<{ id: number }>(
          `SELECT id FROM users WHERE role = 'admin' AND status = 'active' ORDER BY id`,
        )
      ).rows.map((r) => Number(r.id));
      for (const [key, value] of [
        ['callerid.cooldown_window_calls', 4],
        ['callerid.cooldown_min_answer_rate', '0.5'],
        ['callerid.cooldown_minutes', 30],
      ] as const)
        assert.equal((await admin.put(`/api/settings/${key}`, { value })).status, 200);
      const pool = await seller.post('/api/callerid/pools', { name: 'Outbound A', campaign: 'sa' });
      assert.equal(pool.status, 201, JSON.stringify(pool.body));
      poolId = pool.body.id;
      assert.equal(
        (await other.post('/api/callerid/pools', { name: 'Outbound B', campaign: 'sb' })).status,
        201,
      );
      // Outbox rows are written only for subscriptions: the seller's own, and the admin's for all sellers.
      const url = 'https://hooks.example.com/capconduit';
      assert.equal(
        (await seller.post('/api/webhooks', { url, events: ['caller_id.cooled_down'] })).status,
        201,
      );
      assert.equal(
        (await admin.post('/api/webhooks', { url, events: ['caller_id.cooled_down'] })).status,
        201,
      );
    });
    after(() => t.close());

    test('a number cooled down for its answer rate tells its seller and every admin why and until when, once', async () => {
      const numberId = await addNumber('+13125550101', poolId);
      for (const answered of [true, false, false, false]) {
        const r = await t.anon.request('GET', '/next-cid?to=3125550100&campaign=sa', undefined, H);
        assert.equal(r.body.caller_id, '3125550101', JSON.stringify(r.body));
        const rep = await t.anon.request(
          'POST',
          '/report-cid',
          { reservation_id: r.body.reservation_id, answered, billsec: 0 },
          H,
        );
        assert.equal(rep.status, 200);
        t.clock.advance(1000);
      }
      const until = new Date(t.clock.now().getTime() - 1000 + 30 * 60_000);
      const untilText = `${until.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

      const [mine, ...more] = await notices(seller.user.id);
      assert.equal(more.length, 0);
      assert.equal(mine!.title, 'Caller ID +13125550101 is in cooldown');
      assert.equal(
        mine!.body,
        '+13125550101 (pool Outbound A, dialer campaign sa) was answered on 1 of its last 4 calls (25%), ' +
          `below the minimum answer rate of 50%; it is not used until ${untilText}.`,
      );
      assert.deepEqual(
        [mine!.data.number_id, mine!.data.pool_id, mine!.data.campaign, mine!.data.count],
        [numberId, poolId, 'sa', 1],
      );
      for (const id of admins)
        assert.deepEqual(
          (await notices(id)).map((n) => n.body),
          [mine!.body],
        );
      assert.deepEqual(await notices(other.user.id), []);

      // One webhook event, delivered to the seller's subscription and the admin's all-sellers one.
      const ev = await events();
      assert.equal(ev.length, 2);
      assert.equal(new Set(ev.map((e) => e.payload.id)).size, 1);
      assert.deepEqual(
        [ev[0]!.payload.data.reason, ev[0]!.payload.data.answer_rate, ev[0]!.payload.data.campaign],
        ['answer_rate', '0.2500', 'sa'],
      );
      assert.equal(ev[0]!.payload.data.cooldown_until, until.toISOString());

      // Still cooling down, the number is not announced again.
      const r = await t.anon.request('GET', '/next-cid?to=3125550100&campaign=sa', undefined, H);
      assert.equal(r.status, 409);
      assert.equal(
        (await admin.patch(`/api/callerid/numbers/${numberId}`, { status: 'cooldown' })).status,
        204,
      );
      assert.equal((await notices(seller.user.id)).length, 1);
      assert.equal((await events()).length, 2);
    });

    test('a number put in cooldown by hand is announced too; the same hour groups into one notice', async () => {
      const read = await seller.post('/api/notifications/read-all');
      assert.equal(read.status, 200);
      const numberId = await addNumber('+13125550102', poolId);
      const patched = await seller.patch(`/api/callerid/numbers/${numberId}`, { status: 'cooldown' });
      assert.equal(patched.status, 204);

      const [grouped, ...rest] = await notices(seller.user.id);
      assert.equal(rest.length, 0, 'grouped into the hour’s notice, not a second one');
      assert.equal(grouped!.title, '2 caller IDs went into cooldown');
      assert.match(
        grouped!.body,
        /^2 caller IDs went into cooldown this hour \(from \d\d:00 UTC\): \+13125550101, \+13125550102\. The latest: /,
      );
      assert.match(
        grouped!.body,
        /The latest: \+13125550102 \(pool Outbound A, dialer campaign sa\) was put in cooldown by hand; it is not used until someone sets it active again\.$/,
      );
      assert.equal(grouped!.read_at, null, 'unread again');
      assert.deepEqual(
        [grouped!.data.number_id, grouped!.data.count, grouped!.data.numbers, grouped!.data.same_pool],
        [numberId, 2, ['+13125550101', '+13125550102'], true],
      );
      const manual = (await events()).filter((e) => e.payload.data.number_id === numberId);
      assert.equal(manual.length, 2);
      assert.deepEqual(
        [manual[0]!.payload.data.reason, manual[0]!.payload.data.cooldown_until],
        ['manual', null],
      );

      // Active again, then cooling down in the next hour: a new notice.
      assert.equal(
        (await seller.patch(`/api/callerid/numbers/${numberId}`, { status: 'active' })).status,
        204,
      );
      t.clock.advance(60 * 60_000);
      assert.equal(
        (await seller.patch(`/api/callerid/numbers/${numberId}`, { status: 'cooldown' })).status,
        204,
      );
      const hours = await notices(seller.user.id);
      assert.equal(hours.length, 2);
      assert.equal(hours[1]!.title, 'Caller ID +13125550102 is in cooldown');
    });

    test('a flood of cooldowns (30 at once here) is one notice per person per hour, listing the first 20', async () => {
      t.clock.advance(60 * 60_000);
      const global = await admin.post('/api/callerid/pools', { name: 'Global' });
      assert.equal(global.status, 201);
      const before = await events();
      const ids: number[] = [];
      for (let i = 0; i < 30; i++) ids.push(await addNumber(`+1646555${String(1000 + i)}`, global.body.id));
      await Promise.all(ids.map((id) => admin.patch(`/api/callerid/numbers/${id}`, { status: 'cooldown' })));

      for (const id of admins) {
        const latest = (await notices(id)).at(-1)!;
        assert.equal(latest.title, '30 caller IDs went into cooldown');
        assert.equal(latest.data.count, 30);
        assert.equal(latest.data.numbers.length, 20);
        assert.match(latest.body, / and 10 more\. The latest: /);
        assert.equal(latest.data.same_pool, true);
      }
      // A global pool has no seller: no seller hears of it; every number is still one event.
      assert.equal((await notices(seller.user.id)).length, 2);
      assert.deepEqual(await notices(other.user.id), []);
      assert.equal((await events()).length - before.length, 30);

      // Two people putting the same number in cooldown at once announce it once.
      const last = await addNumber('+16465552000', global.body.id);
      const both = await Promise.all(
        [1, 2].map(() => admin.patch(`/api/callerid/numbers/${last}`, { status: 'cooldown' })),
      );
      assert.deepEqual(
        both.map((r) => r.status),
        [204, 204],
      );
      assert.equal((await notices(admins[0]!)).at(-1)!.data.count, 31);
      assert.equal((await events()).length - before.length, 31);
    });
  });
}
