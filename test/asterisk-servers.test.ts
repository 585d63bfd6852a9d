import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type Client, type TestApp } from './helpers/app.js';
import { backends } from './helpers/db.js';
import { startFakeAri, type FakeAri } from './helpers/fake-ari/index.js';

for (const kind of backends()) {
  describe(`Asterisk servers (admin) on ${kind}`, () => {
    let t: TestApp;
    let fake: FakeAri;
    let admin: Client;
    before(async () => {
      t = await startTestApp(kind);
      fake = await startFakeAri();
      admin = await t.userClient('admin');
    });
    after(async () => {
      await fake.stop();
      await t.close();
    });

    const input = (over: Record<string, unknown> = {}) => ({
      name: `PBX ${Math.random().toString(36).slice(2, 7)}`,
      pbx: `pbx-${Math.random().toString(36).slice(2, 7)}`,
      ari_url: fake.url,
      ari_username: fake.username,
      ari_password: fake.password,
      ...over,
    });

    test('the password is stored sealed and never returned; the URL is normalised once, so /ari/ari cannot happen', async () => {
      const res = await admin.post('/api/asterisk-servers', input({ ari_url: `${fake.url}/ari/ari/` }));
      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.equal(res.body.ari_url, `${fake.url}/ari`);
      assert.equal(res.body.has_password, true);
      assert.equal(res.body.app_name, 'capconduit');
      assert.equal(res.body.outbound_trunk, 'PJSIP/{number}@carrier');
      const listed = await admin.get('/api/asterisk-servers');
      const one = await admin.get(`/api/asterisk-servers/${res.body.id}`);
      for (const body of [res.body, listed.body, one.body]) {
        assert.doesNotMatch(JSON.stringify(body), new RegExp(fake.password));
        assert.doesNotMatch(JSON.stringify(body), /ari_password/);
      }
      const stored = await t.db.query<{ ari_password: string }>(
        'SELECT ari_password FROM asterisk_servers WHERE id = $1',
        [res.body.id],
      );
      assert.match(stored.rows[0]!.ari_password, /^v1\./);
      assert.doesNotMatch(stored.rows[0]!.ari_password, new RegExp(fake.password));
      assert.equal(
        t.services.servers.connection((await t.services.servers.repo.get(res.body.id))!).password,
        fake.password,
      );
    });

    test('bad input is a 400 that says what is wrong', async () => {
      const cases: [Record<string, unknown>, RegExp][] = [
        [{ ari_url: 'ftp://pbx:8088' }, /http:\/\/ or https:\/\//],
        [{ ari_url: 'http://user:pw@pbx:8088' }, /must not contain a user or password/],
        [{ ari_url: 'not a url' }, /not a URL/],
        [{ outbound_trunk: 'PJSIP/carrier' }, /\{number\}/],
        [{ pbx: 'has spaces' }, /pbx/],
      ];
      for (const [over, message] of cases) {
        const res = await admin.post('/api/asterisk-servers', input(over));
        assert.equal(res.status, 400, `${JSON.stringify(over)}: ${JSON.stringify(res.body)}`);
        assert.match(res.body.error.message, message);
      }
      const first = await admin.post('/api/asterisk-servers', input({ pbx: 'dup-pbx' }));
      assert.equal(first.status, 201);
      const dup = await admin.post('/api/asterisk-servers', input({ pbx: 'dup-pbx' }));
      assert.equal(dup.status, 409);
    });

    test('"Test connection" really calls ARI: the version when it answers, the reason when it does not', async () => {
      const ok = (await admin.post('/api/asterisk-servers', input())).body;
      const tested = await admin.post(`/api/asterisk-servers/${ok.id}/test`);
      assert.equal(tested.status, 200);
      assert.equal(tested.body.status, 'ok');
      assert.match(tested.body.asterisk_version, /^22\./);
      assert.equal(tested.body.last_error, null);
      assert.ok(tested.body.checked_at);
      assert.ok(fake.requests.some((r) => r.method === 'GET' && r.path === '/asterisk/info'));

      const wrong = (await admin.post('/api/asterisk-servers', input({ ari_password: 'not-it' }))).body;
      const denied = await admin.post(`/api/asterisk-servers/${wrong.id}/test`);
      assert.equal(denied.body.status, 'error');
      assert.match(denied.body.last_error, /authentication failed/);

      const nowhere = (await admin.post('/api/asterisk-servers', input({ ari_url: 'http://127.0.0.1:9' })))
        .body;
      const down = await admin.post(`/api/asterisk-servers/${nowhere.id}/test`);
      assert.equal(down.body.status, 'error');
      assert.ok(down.body.last_error.length > 0);

      // The password is kept when an edit leaves it out, and replaced when given.
      const fixed = await admin.patch(`/api/asterisk-servers/${wrong.id}`, { ari_password: fake.password });
      assert.equal(fixed.status, 200);
      assert.equal((await admin.post(`/api/asterisk-servers/${wrong.id}/test`)).body.status, 'ok');
      await admin.patch(`/api/asterisk-servers/${wrong.id}`, { name: 'renamed' });
      assert.equal((await admin.post(`/api/asterisk-servers/${wrong.id}/test`)).body.status, 'ok');

      const metrics = await (await fetch(`${t.url}/metrics`)).text();
      assert.match(
        metrics,
        new RegExp(`capconduit_asterisk_server_up\\{server="${ok.name}",pbx="${ok.pbx}"\\} 1`),
      );
      assert.match(
        metrics,
        new RegExp(`capconduit_asterisk_server_up\\{server="${nowhere.name}",pbx="${nowhere.pbx}"\\} 0`),
      );
      assert.match(
        metrics,
        new RegExp(`capconduit_asterisk_server_connected\\{server="${ok.name}",pbx="${ok.pbx}"\\} 0`),
      );
    });

    test('only admins manage servers', async () => {
      const staff = await t.userClient('staff');
      assert.equal((await staff.get('/api/asterisk-servers')).status, 403);
      assert.equal((await staff.post('/api/asterisk-servers', input())).status, 403);
    });
  });
}
