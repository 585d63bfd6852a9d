import assert from 'node:assert/strict';
import type { AddressInfo, Server } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createCallerIdAgiHandlers } from '../src/agi/callerid.scripts.js';
import { createAgiServer } from '../src/agi/server.js';
import { runScript } from './helpers/agi-client.js';
import { startTestApp, type Client, type TestApp } from './helpers/app.js';
import { backends } from './helpers/db.js';

const TOKEN = 'cid-token-0123456789abcdef';
const H = { 'x-api-token': TOKEN };
const quiet = { info() {}, warn() {}, error() {}, debug() {} };

/** Per-number concurrency (migrations/0021): a caller ID serves up to max_concurrent live calls. */
for (const kind of backends()) {
  describe(`caller-ID concurrency per number on ${kind}`, () => {
    let t: TestApp;
    let admin: Client;
    let agi: Server;
    let port: number;
    const next = (q: string) => t.anon.request('GET', `/next-cid?${q}`, undefined, H);
    const release = (id: number) => t.anon.request('DELETE', `/api/reservation/${id}`, undefined, H);
    const count = (xs: string[]) =>
      xs.reduce<Record<string, number>>((m, x) => ({ ...m, [x]: (m[x] ?? 0) + 1 }), {});

    before(async () => {
      t = await startTestApp(kind, { callerIdApiToken: TOKEN });
      admin = await t.userClient('admin');
      await admin.put('/api/settings/callerid.agent_requests_per_minute', { value: 100_000 });
      agi = createAgiServer({
        handlers: createCallerIdAgiHandlers({ callerId: t.services.callerId }),
        allow: [],
        log: quiet,
      });
      await new Promise<void>((r) => agi.listen(0, '127.0.0.1', r));
      port = (agi.address() as AddressInfo).port;
    });
    after(async () => {
      await new Promise<void>((r) => agi.close(() => r()));
      await t.close();
    });

    test('max_concurrent is validated with a clear 400 on every way in, and defaults to 1', async () => {
      const pool = await admin.post('/api/callerid/pools', { name: 'Limits', campaign: 'limits' });
      assert.equal(pool.status, 201, JSON.stringify(pool.body));
      for (const bad of [0, 51, 1.5, 'two']) {
        const r = await admin.post('/api/callerid/numbers', {
          caller_id: '+16175550101',
          pool_id: pool.body.id,
          max_concurrent: bad,
        });
        assert.equal(r.status, 400, JSON.stringify(r.body));
        assert.match(r.body.error.message, /max_concurrent/);
        const d = await t.anon.request(
          'POST',
          '/add-number',
          { caller_id: '+16175550101', max_concurrent: bad },
          H,
        );
        assert.equal(d.status, 400);
        assert.match(d.body.error.message, /max_concurrent/);
      }
      const plain = await admin.post('/api/callerid/numbers', {
        caller_id: '+16175550101',
        pool_id: pool.body.id,
      });
      assert.equal(plain.status, 201);
      assert.equal(
        (await admin.patch(`/api/callerid/numbers/${plain.body.id}`, { max_concurrent: 0 })).status,
        400,
      );
      const dialer = await t.anon.request(
        'POST',
        '/add-number',
        { caller_id: '+16175550102', max_concurrent: 7 },
        H,
      );
      assert.equal(dialer.status, 201);
      const list = await admin.get('/api/callerid/numbers?area_code=617');
      assert.deepEqual(
        list.body.items.map((n: any) => [n.caller_id, n.max_concurrent, n.reservations]),
        [
          ['+16175550101', 1, 0],
          ['+16175550102', 7, 0],
        ],
      );
      await admin.del(`/api/callerid/numbers/${plain.body.id}`);
      await admin.del(`/api/callerid/numbers/${dialer.body.id}`);
    });

    test('many concurrent requests never push a number past its max_concurrent, and fill every place', async () => {
      const places: Record<string, number> = {
        '+14155550101': 1,
        '+14155550102': 2,
        '+14155550103': 3,
        '+14155550104': 5,
      };
      for (const [caller_id, max_concurrent] of Object.entries(places)) {
        const r = await t.anon.request('POST', '/add-number', { caller_id, max_concurrent }, H);
        assert.equal(r.status, 201, JSON.stringify(r.body));
      }
      // 60 requests at once for 11 places: area code 415 only has these numbers, and the global
      // pool has nothing else free for them (the numbers of the earlier test are gone).
      const results = await Promise.all(
        Array.from({ length: 60 }, (_, i) => next(`to=415555${String(1000 + i)}&agent=a${i % 7}`)),
      );
      const ok = results.filter((r) => r.status === 200);
      assert.deepEqual(count(ok.map((r) => r.body.caller_id_e164)), places);
      assert.equal(new Set(ok.map((r) => r.body.reservation_id)).size, 11);
      const refused = results.filter((r) => r.status !== 200);
      assert.ok(refused.every((r) => r.status === 409 && r.body.error.details.reason === 'all_reserved'));

      // HTTP and FastAGI say the same when every place is taken.
      const agiNone = await runScript(port, { script: 'cid?to=4155550999', uniqueid: 'cc1' });
      assert.deepEqual(agiNone.vars, { CC_CID_REASON: 'all_reserved', CC_CID_STATUS: 'none' });

      // The dashboard shows the live reservations; a full number is `reserved`.
      const health = await admin.get('/api/callerid/numbers?area_code=415');
      assert.deepEqual(
        health.body.items.map((n: any) => [n.caller_id, n.reservations, n.max_concurrent, n.reserved]),
        Object.entries(places).map(([n, max]) => [n, max, max, true]),
      );

      // Releasing one of the 5-place number's reservations frees exactly one place, over FastAGI too.
      const five = ok.find((r) => r.body.caller_id_e164 === '+14155550104')!;
      assert.equal((await release(five.body.reservation_id)).status, 204);
      assert.equal((await release(five.body.reservation_id)).status, 404);
      const agiOne = await runScript(port, { script: 'cid?to=4155550998', uniqueid: 'cc2' });
      assert.equal(agiOne.vars.CC_CID, '4155550104');
      assert.equal((await next('to=4155550997')).body.error.details.reason, 'all_reserved');

      // When the TTL is over every place is free again.
      t.clock.advance(301_000);
      const again = await Promise.all(Array.from({ length: 14 }, (_, i) => next(`to=415555${2000 + i}`)));
      assert.deepEqual(
        count(again.filter((r) => r.status === 200).map((r) => r.body.caller_id_e164)),
        places,
      );
      t.clock.advance(301_000);
    });

    test('rotation stays least recently used: a number with free places waits its turn', async () => {
      // Every number has a free place; one request after another takes each in turn.
      const got: string[] = [];
      for (let i = 0; i < 8; i++) {
        const r = await next(`to=415555${3000 + i}`);
        assert.equal(r.status, 200, JSON.stringify(r.body));
        got.push(r.body.caller_id_e164);
        await release(r.body.reservation_id);
        t.clock.advance(1000);
      }
      assert.deepEqual(got.slice(4), got.slice(0, 4));
      assert.equal(new Set(got.slice(0, 4)).size, 4);
    });

    test('lowering max_concurrent below the live reservations keeps the number full until they end', async () => {
      const fives = await Promise.all(Array.from({ length: 11 }, (_, i) => next(`to=415555${4000 + i}`)));
      assert.ok(fives.every((r) => r.status === 200));
      const num = (await admin.get('/api/callerid/numbers?area_code=415')).body.items.find(
        (n: any) => n.caller_id === '+14155550104',
      );
      assert.equal(num.reservations, 5);
      assert.equal((await admin.patch(`/api/callerid/numbers/${num.id}`, { max_concurrent: 2 })).status, 204);
      const mine = fives.filter((r) => r.body.caller_id_e164 === '+14155550104');
      // 5 live, 2 places: releasing 3 leaves it full, the 4th frees one place.
      for (const r of mine.slice(0, 3)) assert.equal((await release(r.body.reservation_id)).status, 204);
      assert.equal((await next('to=4155554999')).status, 409);
      assert.equal((await release(mine[3]!.body.reservation_id)).status, 204);
      const one = await next('to=4155554998');
      assert.equal(one.body.caller_id_e164, '+14155550104');
      assert.equal((await next('to=4155554997')).status, 409);
      // Raised again, the places are there at once.
      assert.equal((await admin.patch(`/api/callerid/numbers/${num.id}`, { max_concurrent: 4 })).status, 204);
      const more = await Promise.all([next('to=4155554996'), next('to=4155554995'), next('to=4155554994')]);
      assert.deepEqual(
        more.map((r) => r.body.caller_id_e164 ?? r.body.error.details.reason),
        ['+14155550104', '+14155550104', 'all_reserved'],
      );
      t.clock.advance(301_000);
    });
  });
}
