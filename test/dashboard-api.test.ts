import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { WEB_DIR } from '../src/http/web.js';
import { INTERNAL_TOKEN, startTestApp, type Client, type TestApp } from './helpers/app.js';
import { backends } from './helpers/db.js';
import { scenario, type Scenario } from './helpers/scenario.js';

/** Reads server-sent events from a fetch body, one parsed `live` event at a time. */
function sseReader(body: ReadableStream<Uint8Array>) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  return {
    async next(timeoutMs = 5000): Promise<any> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block
            .split('\n')
            .filter((l) => l.startsWith('data: '))
            .map((l) => l.slice(6))
            .join('\n');
          if (block.includes('event: live') && data) return JSON.parse(data);
          continue;
        }
        const left = deadline - Date.now();
        if (left <= 0) throw new Error('no live event in time');
        const chunk = await Promise.race([
          reader.read(),
          new Promise<never>((_, rej) => setTimeout(() => rej(new Error('no live event in time')), left)),
        ]);
        if (chunk.done) throw new Error('stream ended');
        buffer += decoder.decode(chunk.value, { stream: true });
      }
    },
    cancel: () => reader.cancel(),
  };
}

for (const kind of backends()) {
  describe(`dashboard API (overview, live calls, cap usage) on ${kind}`, () => {
    let t: TestApp;
    let sc: Scenario;
    let owner: Client;
    let other: Client;
    let admin: Client;
    const pbx = (method: string, path: string, body?: unknown) =>
      t.anon.request(method, path, body, { 'x-internal-api-token': INTERNAL_TOKEN });
    const route = (uniqueid: string) =>
      pbx(
        'GET',
        `/api/internal/route_info?uniqueid=${uniqueid}&did=${encodeURIComponent(sc.did)}&caller_id=%2B13125550100`,
      );

    before(async () => {
      t = await startTestApp(kind);
      sc = await scenario(t.services, {
        links: [
          { max_concurrency: 3, daily_cap: 10, hourly_cap: 5, total_calls_allowed: 100, payout: '2.5' },
        ],
      });
      const login = async (email: string) => {
        const id = (await t.services.users.list({ q: email }, { limit: 1, offset: 0 })).items[0]!.id;
        await t.services.users.update(sc.admin, id, { password: 'password-long-1' });
        const r = await t.anon.post('/api/auth/login', { email, password: 'password-long-1' });
        return t.client(r.body.token);
      };
      owner = await login(sc.seller.email);
      admin = await login(sc.admin.email);
      other = await t.userClient('seller');
    });
    after(() => t.close());

    test('a call in progress shows in live calls, link usage and the overview gauges, for its seller only', async () => {
      assert.equal((await route('dash-1')).body.status, 'dial');

      const live = await owner.get('/api/calls/live');
      assert.equal(live.status, 200);
      assert.deepEqual(
        live.body.calls.map((c: any) => [c.uniqueid, c.status, c.did, c.client_name, c.attempt]),
        [['dash-1', 'dialing', sc.did, 'Client 0', 1]],
      );
      assert.equal((await other.get('/api/calls/live')).body.calls.length, 0);
      assert.equal((await admin.get('/api/calls/live')).body.calls.length, 1);

      const links = await owner.get(`/api/campaigns/${sc.campaignId}/links`);
      const l = links.body.items[0];
      assert.deepEqual([l.in_flight, l.hour_count, l.day_count, l.month_count], [1, 1, 1, 1]);

      const o = await owner.get('/api/stats/overview?tz=America/New_York');
      assert.equal(o.status, 200);
      assert.equal(o.body.live_calls, 1);
      assert.deepEqual(o.body.links[0].caps, [
        { cap: 'max_concurrency', limit: 3, used: 1 },
        { cap: 'total_calls_allowed', limit: 100, used: 1 },
        { cap: 'hourly_cap', limit: 5, used: 1 },
        { cap: 'daily_cap', limit: 10, used: 1 },
      ]);
      const seen = await other.get('/api/stats/overview');
      assert.deepEqual([seen.body.live_calls, seen.body.links.length], [0, 0]);
    });

    test("an ended call leaves live calls and counts in today's totals and its hour", async () => {
      const logged = await pbx('POST', '/api/internal/log_call', {
        uniqueid: 'dash-1',
        dial_status: 'ANSWER',
        answered_time: 120,
        duration: 130,
        hangup_cause: 16,
      });
      assert.equal(logged.status, 200, JSON.stringify(logged.body));
      await route('dash-2');
      await pbx('POST', '/api/internal/log_call', {
        uniqueid: 'dash-2',
        dial_status: 'NOANSWER',
        duration: 30,
      });

      assert.equal((await owner.get('/api/calls/live')).body.calls.length, 0);
      const o = (await owner.get('/api/stats/overview?tz=UTC')).body;
      assert.deepEqual(
        [o.today.calls, o.today.answered, o.today.rejected, o.today.answer_rate, o.today.minutes],
        [2, 1, 0, 0.5, 2],
      );
      assert.match(o.today.charges, /^\d+\.\d{4}$/);
      assert.ok(Number(o.today.charges) > 0);
      assert.equal(o.today.payouts, '2.5000');
      assert.equal(o.hourly.length, 24);
      const hour = new Date(t.clock.now());
      hour.setUTCMinutes(0, 0, 0);
      const bucket = o.hourly.find((h: any) => new Date(h.hour).getTime() === hour.getTime());
      assert.deepEqual([bucket.answered, bucket.not_answered, bucket.rejected], [1, 1, 0]);
      assert.equal(
        o.hourly.reduce((n: number, h: any) => n + h.answered + h.not_answered + h.rejected, 0),
        2,
      );
      // The converted call keeps its slots; the unanswered one gave them back.
      assert.deepEqual(o.links[0].caps.slice(0, 3), [
        { cap: 'max_concurrency', limit: 3, used: 0 },
        { cap: 'total_calls_allowed', limit: 100, used: 1 },
        { cap: 'hourly_cap', limit: 5, used: 1 },
      ]);
      assert.equal((await other.get('/api/stats/overview')).body.today.calls, 0);
    });

    test('the overview refuses a time zone that does not exist', async () => {
      const r = await owner.get('/api/stats/overview?tz=Mars/Olympus_Mons');
      assert.equal(r.status, 400);
      assert.equal(r.body.error.code, 'validation_failed');
      assert.equal((await t.anon.get('/api/stats/overview')).status, 401);
    });

    test('the live stream pushes a snapshot on connect and another when a call starts, scoped to the seller', async () => {
      const open = async (c: Client) => {
        const res = await fetch(`${t.url}/api/calls/live/stream`, {
          headers: { authorization: `Bearer ${c.token}`, accept: 'text/event-stream' },
        });
        assert.equal(res.status, 200);
        assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
        return sseReader(res.body!);
      };
      const mine = await open(owner);
      const theirs = await open(other);
      assert.deepEqual((await mine.next()).calls, []);
      assert.deepEqual((await theirs.next()).calls, []);

      await route('dash-3');
      const pushed = await mine.next();
      assert.deepEqual(
        pushed.calls.map((c: any) => c.uniqueid),
        ['dash-3'],
      );
      await assert.rejects(theirs.next(2500), /no live event/); // nothing changed for them

      await pbx('POST', '/api/internal/log_call', { uniqueid: 'dash-3', dial_status: 'BUSY', duration: 3 });
      assert.deepEqual((await mine.next()).calls, []);
      await mine.cancel();
      await theirs.cancel();

      const anon = await fetch(`${t.url}/api/calls/live/stream`);
      assert.equal(anon.status, 401);
    });

    test(
      'the dashboard is served for page addresses; API and asset misses stay JSON 404s',
      {
        skip: existsSync(`${WEB_DIR}index.html`) ? false : 'dist/web not built (npm run build)',
      },
      async () => {
        const page = await fetch(`${t.url}/campaigns/12`, { headers: { accept: 'text/html' } });
        assert.equal(page.status, 200);
        assert.match(await page.text(), /<div id="root">/);
        const root = await fetch(`${t.url}/`, { headers: { accept: 'text/html' } });
        assert.equal(root.status, 200);
        const api = await fetch(`${t.url}/api/nothing-here`, { headers: { accept: 'text/html' } });
        assert.equal(api.status, 404);
        assert.equal(((await api.json()) as any).error.code, 'not_found');
        const asset = await fetch(`${t.url}/assets/missing.js`, { headers: { accept: 'text/html' } });
        assert.equal(asset.status, 404);
      },
    );
  });
}
