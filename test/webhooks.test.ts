import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startWorker } from '../src/ops/worker.js';
import { createWebhookDelivery } from '../src/webhooks/delivery.js';
import { verifyWebhookSignature } from '../src/webhooks/signature.js';
import { createOutboxRepo } from '../src/webhooks/outbox.repo.js';
import type { Actor } from '../src/shared/types.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { callFlow } from './helpers/calls.js';
import { backends } from './helpers/db.js';
import { scenario } from './helpers/scenario.js';
import { startReceiver, type Received } from './helpers/webhook-receiver.js';

const CID_TOKEN = 'cid-token-0123456789abcdef';
const quiet = { info() {}, warn() {}, error() {} };
let uid = 0;
const call = () => `wh-${process.pid}.${++uid}`;

/** Waits (polling) until `check` holds: for work a real timer does. */
async function until(check: () => boolean | Promise<boolean>, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

for (const kind of backends()) {
  describe(`webhooks on ${kind}`, () => {
    let t: TestApp;
    let rx: Awaited<ReturnType<typeof startReceiver>>;
    let admin: Awaited<ReturnType<TestApp['userClient']>>;
    const deliver = () => t.services.webhookDelivery.runOnce();
    const outbox = async () =>
      (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM webhook_outbox')).rows[0]!.n;
    const signin = async (a: Actor) => {
      const res = await t.anon.post('/api/auth/login', { email: a.email, password: 'password-1' });
      return t.client(res.body.token);
    };
    const at = (path: string) => (r: Received) => r.path === path;
    /** A seller with a campaign and a link, signed in, subscribed at `path` to `events`. */
    async function subscribed(path: string, events: string[], link: Record<string, unknown> = {}) {
      const sc = await scenario(t.services, {
        links: [{ payout: '2.5', min_billable_duration: 60, ...link }],
      });
      const seller = await signin(sc.seller);
      const sub = await seller.post('/api/webhooks', { url: rx.url(path), events });
      assert.equal(sub.status, 201, JSON.stringify(sub.body));
      return { sc, seller, sub: sub.body as { id: number; secret: string } };
    }

    before(async () => {
      t = await startTestApp(kind, { callerIdApiToken: CID_TOKEN });
      rx = await startReceiver();
      admin = await t.userClient('admin');
      // the receiver is on loopback, which sellers' webhooks may reach only when allowed
      await admin.put('/api/settings/webhooks.sellers_private_addresses', { value: true });
    });
    after(async () => {
      await rx.close();
      await t.close();
    });

    test('with no subscription a call writes no outbox row', async () => {
      const sc = await scenario(t.services, { links: [{}] });
      const c = callFlow(t.services);
      const id = call();
      await c.route(id, sc.did);
      await c.end(id, 'ANSWER', { billsec: 90 });
      assert.equal(await outbox(), 0);
    });

    test('a seller subscribes: the secret is shown once, bad URLs and unknown events are refused with a reason', async () => {
      const sc = await scenario(t.services, { links: [] });
      const seller = await signin(sc.seller);
      const created = await seller.post('/api/webhooks', {
        url: rx.url('/s'),
        events: ['call.ended'],
        description: ' CRM ',
      });
      assert.equal(created.status, 201);
      assert.match(created.body.secret, /^whsec_[A-Za-z0-9_-]{43}$/);
      assert.deepEqual([created.body.seller_id, created.body.description], [sc.seller.id, 'CRM']);
      const read = await seller.get(`/api/webhooks/${created.body.id}`);
      assert.equal(read.body.secret, undefined);
      assert.equal((await seller.get('/api/webhooks')).body.items[0].secret, undefined);

      const ftp = await seller.post('/api/webhooks', { url: 'ftp://example.com/x', events: ['call.ended'] });
      assert.deepEqual(
        [ftp.status, ftp.body.error.message],
        [400, 'url must start with http:// or https://'],
      );
      const junk = await seller.post('/api/webhooks', { url: 'not a url', events: ['call.ended'] });
      assert.equal(junk.status, 400);
      const creds = await seller.post('/api/webhooks', {
        url: 'https://u:p@example.com/',
        events: ['call.ended'],
      });
      assert.equal(creds.status, 400);
      const unknown = await seller.post('/api/webhooks', { url: rx.url(), events: ['call.exploded'] });
      assert.equal(unknown.status, 400);
      assert.match(JSON.stringify(unknown.body), /events/);
      const none = await seller.post('/api/webhooks', { url: rx.url(), events: [] });
      assert.equal(none.status, 400);
      // a seller cannot subscribe to another seller's events
      const other = await seller.post('/api/webhooks', {
        url: rx.url(),
        events: ['call.ended'],
        seller_id: admin.user.id,
      });
      assert.equal(other.status, 403);
    });

    test('a call ending through the call-end path is delivered as started, answered, converted and ended, signed', async () => {
      const { sc, seller, sub } = await subscribed('/calls', [
        'call.started',
        'call.answered',
        'call.converted',
        'call.ended',
      ]);
      const other = await subscribed('/other', [
        'call.started',
        'call.answered',
        'call.converted',
        'call.ended',
      ]);
      const c = callFlow(t.services);
      const id = call();
      const routed = await c.route(id, sc.did, '+13125550111');
      t.clock.advance(70_000);
      await c.end(id, 'ANSWER', { billsec: 61, duration: 70 });

      assert.equal(await deliver(), 4);
      const got = rx.received.filter(at('/calls'));
      assert.deepEqual(got.map((r) => r.json.type).sort(), [
        'call.answered',
        'call.converted',
        'call.ended',
        'call.started',
      ]);
      for (const r of got) {
        assert.equal(
          verifyWebhookSignature(sub.secret, r.headers['x-capconduit-signature'] as string, r.body, {
            now: t.clock.now(),
          }),
          true,
        );
        assert.equal(r.headers['content-type'], 'application/json');
        assert.equal(r.headers['user-agent'], 'CapConduit-Webhooks/1');
        assert.equal(r.headers['x-capconduit-event'], r.json.type);
        assert.equal(r.headers['x-capconduit-delivery'], r.json.id);
        assert.equal(r.json.data.call_id, routed.callId);
        assert.equal(r.json.data.seller_id, sc.seller.id);
      }
      assert.equal(new Set(got.map((r) => r.json.id)).size, 4);
      const ended = got.find((r) => r.json.type === 'call.ended')!.json.data;
      assert.equal(ended.outcome, 'answered');
      assert.equal(ended.billsec, 61);
      assert.equal(ended.duration, 70);
      assert.equal(ended.converted, true);
      assert.equal(ended.payout, '2.5000');
      assert.equal(ended.caller_id, '+13125550111');
      assert.equal(ended.link_id, sc.links[0]);
      const started = got.find((r) => r.json.type === 'call.started')!.json.data;
      assert.deepEqual(
        [started.state, started.reject_reason, started.link_id],
        ['dialing', null, sc.links[0]],
      );
      // the other seller's subscription gets none of this seller's calls
      assert.equal(rx.received.filter(at('/other')).length, 0);
      void other;

      const log = await seller.get(`/api/webhook-deliveries?subscription_id=${sub.id}`);
      assert.equal(log.body.total, 4);
      assert.deepEqual(new Set(log.body.items.map((d: any) => d.state)), new Set(['delivered']));
      const one = await seller.get(`/api/webhook-deliveries/${log.body.items[0].id}`);
      assert.deepEqual(
        one.body.log.map((a: any) => [a.http_status, a.error, a.response_excerpt]),
        [[200, null, 'ok']],
      );
      // nor may the other seller read them
      assert.equal((await other.seller.get(`/api/webhook-deliveries/${log.body.items[0].id}`)).status, 404);
      assert.equal((await other.seller.get(`/api/webhooks/${sub.id}`)).status, 404);
      assert.equal((await other.seller.patch(`/api/webhooks/${sub.id}`, { active: false })).status, 404);
      assert.equal((await other.seller.post(`/api/webhooks/${sub.id}/test`)).status, 404);
    });

    test('a rejected call is a call.started with its reason, and an unanswered one ends without answered or converted', async () => {
      const { sc } = await subscribed('/rejects', [
        'call.started',
        'call.answered',
        'call.converted',
        'call.ended',
      ]);
      await t.services.campaigns.update(sc.seller, sc.campaignId, { status: 'paused' });
      const c = callFlow(t.services);
      await c.route(call(), sc.did);
      await t.services.campaigns.update(sc.seller, sc.campaignId, { status: 'active' });
      const id = call();
      await c.route(id, sc.did);
      await c.end(id, 'NOANSWER');
      await deliver();
      const got = rx.received
        .filter(at('/rejects'))
        .map((r) => [
          r.json.type,
          r.json.data.state,
          r.json.type === 'call.started' ? r.json.data.reject_reason : r.json.data.outcome,
        ]);
      assert.deepEqual(got.sort(), [
        ['call.ended', 'ended', 'unanswered'],
        ['call.started', 'dialing', null],
        ['call.started', 'rejected', 'campaign_inactive'],
      ]);
    });

    test('a receiver answering 500 gets the same event again after the backoff', async () => {
      const { seller, sub } = await subscribed('/flaky', ['call.ended']);
      rx.answer(500);
      const queued = await seller.post(`/api/webhooks/${sub.id}/test`);
      assert.equal(queued.status, 202);
      assert.equal(await deliver(), 1);
      let d = (await seller.get(`/api/webhook-deliveries/${queued.body.id}`)).body;
      assert.deepEqual([d.state, d.attempts, d.last_status, d.last_error], ['pending', 1, 500, 'HTTP 500']);
      const wait = new Date(d.next_attempt_at).getTime() - t.clock.now().getTime();
      assert.ok(wait >= 24_000 && wait <= 36_000, `${wait} ms`);
      assert.equal(await deliver(), 0, 'not due before its backoff');

      t.clock.advance(37_000);
      assert.equal(await deliver(), 1);
      d = (await seller.get(`/api/webhook-deliveries/${queued.body.id}`)).body;
      assert.deepEqual([d.state, d.attempts, d.last_status, d.last_error], ['delivered', 2, 200, null]);
      assert.deepEqual(
        d.log.map((a: any) => a.http_status),
        [200, 500],
      );
      assert.equal(d.log[1].response_excerpt, 'receiver says 500');
      const got = rx.received.filter(at('/flaky'));
      assert.equal(got.length, 2);
      assert.equal(got[0]!.headers['x-capconduit-delivery'], got[1]!.headers['x-capconduit-delivery']);
      assert.equal(got[0]!.json.type, 'webhook.test');
    });

    test('outbox rows outlive a stopped worker and one that died mid-attempt', async () => {
      const { seller, sub } = await subscribed('/durable', ['call.ended']);
      // written while no worker runs: sent by the next one started
      let worker = startWorker([{ name: 'wh', everyMs: 20, run: deliver }], { log: quiet });
      await worker.stop();
      const first = await seller.post(`/api/webhooks/${sub.id}/test`);
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(rx.received.filter(at('/durable')).length, 0);
      worker = startWorker([{ name: 'wh', everyMs: 20, run: deliver }], { log: quiet });
      await until(() => rx.received.filter(at('/durable')).length === 1, 'the restarted worker');
      await worker.stop();
      assert.equal((await seller.get(`/api/webhook-deliveries/${first.body.id}`)).body.state, 'delivered');

      // a worker claims a row and dies before sending it: another sends it once the lease is over
      const second = await seller.post(`/api/webhooks/${sub.id}/test`);
      const now = t.clock.now();
      const lease = t.services.webhookDelivery.leaseMs;
      const claimed = await createOutboxRepo(t.db).claim(now, new Date(now.getTime() + lease), 10);
      assert.deepEqual(
        claimed.map((d) => d.id),
        [second.body.id],
      );
      assert.equal(await deliver(), 0, 'leased to the dead worker');
      t.clock.advance(lease + 1);
      assert.equal(await deliver(), 1);
      const d = (await seller.get(`/api/webhook-deliveries/${second.body.id}`)).body;
      assert.deepEqual([d.state, d.attempts, d.log.length], ['delivered', 2, 1]);
      assert.equal(rx.received.filter(at('/durable')).length, 2);
    });

    test('a receiver that never accepts: failed after the last attempt, then redelivered by hand', async () => {
      const { sc, seller: first, sub } = await subscribed('/down', ['call.ended']);
      rx.answer(...Array<number>(14).fill(503));
      const queued = await first.post(`/api/webhooks/${sub.id}/test`);
      for (let i = 0; i < 14; i++) {
        assert.equal(await deliver(), 1, `attempt ${i + 1}`);
        t.clock.advance(8 * 3600_000);
      }
      assert.equal(await deliver(), 0);
      // sessions end after 12 h: sign in again
      const seller = await signin(sc.seller);
      admin = await t.userClient('admin');
      void first;
      let d = (await seller.get(`/api/webhook-deliveries/${queued.body.id}`)).body;
      assert.deepEqual([d.state, d.attempts, d.next_attempt_at, d.last_status], ['failed', 14, null, 503]);
      const failed = await seller.get(`/api/webhook-deliveries?state=failed&subscription_id=${sub.id}`);
      assert.deepEqual(
        failed.body.items.map((x: any) => x.id),
        [queued.body.id],
      );

      const again = await seller.post(`/api/webhook-deliveries/${queued.body.id}/redeliver`);
      assert.deepEqual([again.status, again.body.state, again.body.attempts], [202, 'pending', 0]);
      assert.equal(await deliver(), 1);
      d = (await seller.get(`/api/webhook-deliveries/${queued.body.id}`)).body;
      assert.deepEqual([d.state, d.attempts, d.log.length], ['delivered', 1, 15]);
    });

    test('rotating the secret signs the next attempts with the new one; a paused subscription sends nothing', async () => {
      const { seller, sub } = await subscribed('/rotate', ['call.ended']);
      const rotated = await seller.post(`/api/webhooks/${sub.id}/rotate-secret`);
      assert.equal(rotated.status, 200);
      assert.notEqual(rotated.body.secret, sub.secret);
      await seller.post(`/api/webhooks/${sub.id}/test`);
      await deliver();
      const r = rx.received.filter(at('/rotate'))[0]!;
      const header = r.headers['x-capconduit-signature'] as string;
      assert.equal(verifyWebhookSignature(rotated.body.secret, header, r.body, { now: t.clock.now() }), true);
      assert.equal(verifyWebhookSignature(sub.secret, header, r.body, { now: t.clock.now() }), false);

      assert.equal((await seller.patch(`/api/webhooks/${sub.id}`, { active: false })).body.active, false);
      const paused = await seller.post(`/api/webhooks/${sub.id}/test`);
      assert.deepEqual([paused.status, paused.body.error.code], [400, 'bad_request']);
      assert.equal((await seller.del(`/api/webhooks/${sub.id}`)).status, 204);
      assert.equal((await seller.get(`/api/webhook-deliveries?subscription_id=${sub.id}`)).body.total, 0);
    });

    test('two workers sending at once deliver each event once', async () => {
      const { seller, sub } = await subscribed('/crowd', ['call.ended']);
      for (let i = 0; i < 30; i++)
        assert.equal((await seller.post(`/api/webhooks/${sub.id}/test`)).status, 202);
      // a second process's delivery worker on the same database
      const other = createWebhookDelivery({
        db: t.db,
        clock: t.clock,
        log: quiet,
        sellersMayReachInternal: async () => true,
        options: { batch: 4, concurrency: 2 },
      });
      const [a, b] = await Promise.all([deliver(), other.runOnce()]);
      assert.equal(a + b, 30);
      const got = rx.received.filter(at('/crowd'));
      assert.equal(got.length, 30);
      assert.equal(new Set(got.map((r) => r.json.id)).size, 30);
    });

    test(
      'a row another worker has locked is skipped, not waited for',
      { skip: kind === 'pglite' && 'one connection: no concurrent transactions' },
      async () => {
        const { seller, sub } = await subscribed('/locked', ['call.ended']);
        const held = await seller.post(`/api/webhooks/${sub.id}/test`);
        const free = await seller.post(`/api/webhooks/${sub.id}/test`);
        await t.db.transaction(async (tx) => {
          // another process's claim, still in its transaction
          await tx.query('SELECT id FROM webhook_outbox WHERE id = $1 FOR UPDATE', [held.body.id]);
          const sent = await Promise.race([
            deliver(),
            new Promise<string>((r) => setTimeout(() => r('blocked on the locked row'), 3000)),
          ]);
          assert.equal(sent, 1);
        });
        const got = rx.received.filter(at('/locked')).map((r) => r.json.id);
        assert.equal(got.length, 1);
        assert.equal((await seller.get(`/api/webhook-deliveries/${free.body.id}`)).body.state, 'delivered');
        assert.equal(await deliver(), 1, 'sent once the lock is gone');
      },
    );

    test('finished deliveries older than 30 days are pruned; pending ones stay', async () => {
      const { sc, seller, sub } = await subscribed('/old', ['call.ended']);
      const done = await seller.post(`/api/webhooks/${sub.id}/test`);
      await deliver();
      rx.answer(500);
      const waiting = await seller.post(`/api/webhooks/${sub.id}/test`);
      await deliver();
      t.clock.advance(31 * 86_400_000);
      assert.ok((await t.services.webhookDelivery.prune()) >= 1);
      const left = await t.db.query<{ id: number }>(
        'SELECT id FROM webhook_outbox WHERE subscription_id = $1',
        [sub.id],
      );
      assert.deepEqual(
        left.rows.map((r) => r.id),
        [waiting.body.id],
      );
      assert.notEqual(done.body.id, waiting.body.id);
      await t.services.webhooks.remove(sc.seller, sub.id); // its pending row is due again: not for later tests
      admin = await t.userClient('admin'); // sessions end after 12 h
    });

    test('sellers may not reach internal addresses unless an admin allows it; admins always may', async () => {
      const { seller, sub } = await subscribed('/internal', ['call.ended']);
      const allow = (value: boolean) =>
        admin.put('/api/settings/webhooks.sellers_private_addresses', { value });
      assert.equal((await allow(false)).status, 200);
      try {
        for (const url of [
          'http://127.0.0.1:9/x',
          'http://localhost/x',
          'http://[::1]/x',
          'http://169.254.169.254/',
        ]) {
          const res = await seller.post('/api/webhooks', { url, events: ['call.ended'] });
          assert.equal(res.status, 400, url);
          assert.match(res.body.error.message, /internal address/);
        }
        // one made while it was allowed is refused at delivery: nothing reaches the address
        const queued = await seller.post(`/api/webhooks/${sub.id}/test`);
        assert.equal(await deliver(), 1);
        const d = (await seller.get(`/api/webhook-deliveries/${queued.body.id}`)).body;
        assert.deepEqual([d.state, d.last_status], ['pending', null]);
        assert.match(d.last_error, /^refused: 127\.0\.0\.1 is an internal address/);
        assert.equal(rx.received.filter(at('/internal')).length, 0);
        // an admin's all-sellers subscription is the platform's own: it may
        const mine = await admin.post('/api/webhooks', {
          url: rx.url('/internal-admin'),
          events: ['call.ended'],
        });
        assert.equal(mine.status, 201);
        await admin.post(`/api/webhooks/${mine.body.id}/test`);
        await deliver();
        assert.equal(rx.received.filter(at('/internal-admin')).length, 1);
        assert.equal((await admin.del(`/api/webhooks/${mine.body.id}`)).status, 204);
      } finally {
        await allow(true);
      }
    });

    test('cap.reached and balance.low come with the call and the ledger entry; caller_id.cooled_down reaches all-sellers subscriptions', async () => {
      const { sc, sub } = await subscribed('/notices', ['cap.reached', 'balance.low'], { daily_cap: 1 });
      const c = callFlow(t.services);
      const id = call();
      await c.route(id, sc.did);
      await c.end(id, 'ANSWER', { billsec: 61 });
      const adjusted = await admin.post(`/api/balances/${sc.seller.id}/adjust`, {
        amount: '-995',
        note: 'test',
      });
      assert.equal(adjusted.status, 200, JSON.stringify(adjusted.body));

      const all = await admin.post('/api/webhooks', {
        url: rx.url('/admin'),
        events: ['caller_id.cooled_down', 'balance.low'],
      });
      assert.deepEqual([all.status, all.body.seller_id], [201, null]);
      for (const [key, value] of [
        ['callerid.cooldown_window_calls', 4],
        ['callerid.cooldown_min_answer_rate', '0.5'],
        ['callerid.cooldown_minutes', 30],
      ] as const)
        assert.equal((await admin.put(`/api/settings/${key}`, { value })).status, 200);
      const H = { 'x-api-token': CID_TOKEN };
      await t.anon.request('POST', '/add-number', { caller_id: '+13125550101' }, H);
      for (const answered of [true, false, false, false]) {
        const r = await t.anon.request('GET', '/next-cid?to=3125550100', undefined, H);
        await t.anon.request(
          'POST',
          '/report-cid',
          { reservation_id: r.body.reservation_id, answered, billsec: 0 },
          H,
        );
        t.clock.advance(1000);
      }
      await deliver();

      const notices = rx.received.filter(at('/notices')).map((r) => r.json);
      const cap = notices.find((n) => n.type === 'cap.reached')!;
      assert.deepEqual(
        [cap.data.scope, cap.data.link_id, cap.data.caps],
        ['link', sc.links[0], ['daily_cap']],
      );
      const low = notices.find((n) => n.type === 'balance.low')!;
      assert.deepEqual([low.data.seller_id, low.data.threshold], [sc.seller.id, '10.0000']);
      assert.equal(Number(low.data.balance) < 10, true);
      assert.equal(notices.length, 2);
      assert.equal(sub.id > 0, true);
      const cooled = rx.received.filter(at('/admin')).map((r) => r.json);
      assert.deepEqual(
        cooled.map((n) => [n.type, n.data.number, n.data.seller_id, n.data.answer_rate]),
        [['caller_id.cooled_down', '+13125550101', null, '0.2500']],
      );
      // the all-sellers subscription is the admin's: a seller sees nothing of it
      const seller = await signin(sc.seller);
      assert.equal((await seller.get(`/api/webhooks/${all.body.id}`)).status, 404);
      assert.equal((await admin.get(`/api/webhooks/${sub.id}`)).status, 200);
      assert.equal((await admin.del(`/api/webhooks/${all.body.id}`)).status, 204);
    });
  });
}
