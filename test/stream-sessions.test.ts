import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type TestApp } from './helpers/app.js';
import { backends } from './helpers/db.js';
import { openSse, type SseStream } from './helpers/sse.js';

/**
 * A live stream ends with the session or token that opened it (issue 13: a seller's stream kept
 * delivering calls after POST /api/auth/logout). The server sends `end` and closes; the browser's
 * EventSource then reconnects, gets a 401 and stops.
 */
// The rule is in SQL both backends run alike (auth.test.ts covers PGlite): one backend keeps CI short.
for (const kind of backends().includes('postgres') ? (['postgres'] as const) : backends()) {
  describe(`live streams end with their session (${kind})`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(kind);
    });
    after(() => t.close());

    const url = () => `${t.url}/api/calls/live/stream`;
    const endsSoon = async (s: SseStream) => {
      const end = await s.next((e) => e.event === 'end', 'the end of the stream', 4000);
      assert.deepEqual(end.data, { reason: 'session_ended' });
      const deadline = Date.now() + 2000;
      while (!s.ended && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      assert.ok(s.ended, 'the server kept the stream open');
    };

    test('logout ends the stream its session opened, and only that one', async () => {
      const seller = await t.userClient('seller');
      const other = await t.userClient('seller');
      const mine = await openSse(url(), seller.token!);
      const theirs = await openSse(url(), other.token!);
      await mine.next((e) => e.event === 'live', 'the first snapshot');
      assert.equal((await seller.post('/api/auth/logout')).status, 204);
      await endsSoon(mine);
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal(theirs.ended, false, 'another session’s stream ended too');
      theirs.close();
      const again = await fetch(url(), { headers: { authorization: `Bearer ${seller.token}` } });
      assert.equal(again.status, 401);
    });

    test('a revoked API token ends its stream', async () => {
      const staff = await t.userClient('staff');
      const created = await staff.post('/api/me/tokens', { name: 'wallboard' });
      assert.equal(created.status, 201);
      const s = await openSse(url(), created.body.token);
      await s.next((e) => e.event === 'live', 'the first snapshot');
      assert.equal((await staff.del(`/api/me/tokens/${created.body.id}`)).status, 204);
      await endsSoon(s);
    });

    test('disabling the user, or changing their role, ends their streams', async () => {
      const admin = await t.userClient('admin');
      const seller = await t.userClient('seller');
      const s = await openSse(url(), seller.token!);
      await s.next((e) => e.event === 'live', 'the first snapshot');
      assert.equal((await admin.patch(`/api/users/${seller.user.id}`, { status: 'disabled' })).status, 200);
      await endsSoon(s);

      const staff = await t.userClient('staff');
      const w = await openSse(url(), staff.token!);
      await w.next((e) => e.event === 'live', 'the first snapshot');
      const changed = await admin.patch(`/api/users/${staff.user.id}`, { role: 'seller' });
      assert.equal(changed.status, 200);
      // A role change revokes the user's sessions; the stream ends either way.
      await endsSoon(w);
    });

    // Last: it moves the server's clock past every session's lifetime.
    test('an expired session ends its stream', async () => {
      const seller = await t.userClient('seller');
      const s = await openSse(url(), seller.token!);
      await s.next((e) => e.event === 'live', 'the first snapshot');
      t.clock.advance(13 * 3600_000); // sessions last 12 h in test apps
      await endsSoon(s);
    });
  });
}
