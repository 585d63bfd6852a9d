import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { INTERNAL_TOKEN, startTestApp, type Client, type TestApp } from './helpers/app.js';
import { backends } from './helpers/db.js';
import { scenario, type Scenario } from './helpers/scenario.js';

for (const kind of backends()) {
  describe(`call logs and the internal HTTP API on ${kind}`, () => {
    let t: TestApp;
    let sc: Scenario;
    let owner: Client;
    let other: Client;
    let admin: Client;
    let login: (email: string) => Promise<Client>;
    const pbx = (method: string, path: string, body?: unknown) =>
      t.anon.request(method, path, body, { 'x-internal-api-token': INTERNAL_TOKEN });

    before(async () => {
      t = await startTestApp(kind);
      sc = await scenario(t.services, { links: [{ max_concurrency: 1 }, { forwarding_priority: 2 }] });
      login = async (email: string) => {
        await t.services.users.update(
          sc.admin,
          (await t.services.users.list({ q: email }, { limit: 1, offset: 0 })).items[0]!.id,
          {
            password: 'password-long-1',
          },
        );
        const r = await t.anon.post('/api/auth/login', { email, password: 'password-long-1' });
        return t.client(r.body.token);
      };
      owner = await login(sc.seller.email);
      admin = await login(sc.admin.email);
      other = await t.userClient('seller');
    });
    after(() => t.close());

    test('route_info → route_info with dial_status → log_call, as a curl-based PBX would', async () => {
      const first = await pbx(
        'GET',
        `/api/internal/route_info?pbx=pbx1&uniqueid=h1&did=${encodeURIComponent(sc.did)}&caller_id=%2B13125550100`,
      );
      assert.equal(first.status, 200);
      assert.equal(first.body.status, 'dial');
      assert.equal(first.body.link_id, sc.links[0]);
      assert.equal(first.body.max_seconds, 14_400);

      const blocked = await pbx(
        'GET',
        `/api/internal/route_info?pbx=pbx1&uniqueid=h2&did=${encodeURIComponent(sc.did)}`,
      );
      assert.equal(blocked.body.link_id, sc.links[1]);

      const ids = (d: any) => `pbx=pbx1&call_id=${d.call_id}&attempt_id=${d.attempt_id}`;
      const next = await pbx(
        'GET',
        `/api/internal/route_info?uniqueid=h1&${ids(first.body)}&dial_status=BUSY`,
      );
      assert.deepEqual(
        [next.body.status, next.body.link_id, next.body.call_id],
        ['dial', sc.links[1], first.body.call_id],
      );
      // The same request again (a retry) changes nothing and gets the same answer.
      const repeated = await pbx(
        'GET',
        `/api/internal/route_info?uniqueid=h1&${ids(first.body)}&dial_status=BUSY`,
      );
      assert.deepEqual(repeated.body, next.body);

      const end = {
        pbx: 'pbx1',
        uniqueid: 'h1',
        call_id: next.body.call_id,
        attempt_id: next.body.attempt_id,
      };
      const logged = await pbx('POST', '/api/internal/log_call', {
        ...end,
        dial_status: 'ANSWER',
        answered_time: 95,
        duration: 110,
        hangup_cause: 16,
      });
      assert.deepEqual(logged.body.status, 'logged');
      const again = await pbx('POST', '/api/internal/log_call', {
        ...end,
        dial_status: 'ANSWER',
        answered_time: 95,
      });
      assert.deepEqual(again.body, { status: 'duplicate', call_id: logged.body.call_id });
      await pbx('POST', '/api/internal/log_call', {
        pbx: 'pbx1',
        uniqueid: 'h2',
        call_id: blocked.body.call_id,
        attempt_id: blocked.body.attempt_id,
        dial_status: 'NOANSWER',
      });
    });

    test('log_call for a call never routed needs its did: no anonymous answered call with billsec is made up', async () => {
      const unknown = await pbx('POST', '/api/internal/log_call', {
        pbx: 'pbx1',
        uniqueid: 'never-routed',
        dial_status: 'ANSWER',
        answered_time: 95,
      });
      assert.equal(unknown.status, 404);
      assert.match(unknown.body.error.message, /give its did/);
      const withDid = await pbx('POST', '/api/internal/log_call', {
        pbx: 'pbx1',
        uniqueid: 'never-routed',
        attempt_id: null,
        fallback: true,
        did: '15551230000',
        dial_status: 'NOANSWER',
      });
      assert.equal(withDid.body.status, 'logged');
      const row = await t.db.query<any>(
        `SELECT routing_status, cost, billable FROM calls WHERE uniqueid = 'never-routed'`,
      );
      assert.deepEqual(row.rows[0], { routing_status: 'unrouted', cost: '0.0000', billable: false });
    });

    test('log_call validates like every other route', async () => {
      assert.equal((await pbx('POST', '/api/internal/log_call', { uniqueid: 'x', billsec: -1 })).status, 400);
      assert.equal((await pbx('POST', '/api/internal/log_call', { billsec: 1 })).status, 400);
      assert.equal((await pbx('POST', '/api/internal/log_call', { uniqueid: 'x', extra: 1 })).status, 400);
    });

    test("a call's detail shows every attempt and the decision trace", async () => {
      const list = await owner.get('/api/calls?routing_status=routed');
      const h1 = list.body.items.find((c: any) => c.uniqueid === 'h1');
      assert.ok(h1, JSON.stringify(list.body));
      assert.equal(h1.attempt_count, 2);
      assert.equal(h1.billsec, 95);

      const detail = await owner.get(`/api/calls/${h1.id}`);
      assert.deepEqual(
        detail.body.attempts.map((a: any) => [a.link_id, a.dial_status]),
        [
          [sc.links[0], 'BUSY'],
          [sc.links[1], 'ANSWER'],
        ],
      );
      const h2 = list.body.items.find((c: any) => c.uniqueid === 'h2');
      // the log names the client an unanswered call last tried; client_name stays the answering one
      const attempts = (await owner.get(`/api/calls/${h2.id}`)).body.attempts;
      assert.equal(h2.client_name, null);
      assert.equal(h2.last_client_name, attempts[attempts.length - 1].client_name);
      assert.ok(h2.last_client_name);
      assert.equal(h1.last_client_name, h1.client_name);
      const trace = (await owner.get(`/api/calls/${h2.id}`)).body.trace;
      const skip = trace.find((e: any) => e.outcome === 'skipped');
      assert.deepEqual(
        [skip.link_id, skip.reason, skip.caps],
        [sc.links[0], 'cap_reached', [{ cap: 'max_concurrency', limit: 1, used: 1 }]],
      );
    });

    test('another seller sees none of these calls, by list or by id', async () => {
      const mine = await owner.get('/api/calls');
      assert.ok(mine.body.total >= 2);
      assert.equal((await other.get('/api/calls')).body.total, 0);
      assert.equal((await other.get(`/api/calls?seller_id=${sc.seller.id}`)).body.total, 0);
      for (const c of mine.body.items) assert.equal((await other.get(`/api/calls/${c.id}`)).status, 404);
      assert.equal((await other.get('/api/calls/export.csv')).body.trim().split('\n').length, 1);
    });

    test('filters: date range, campaign, DID, caller', async () => {
      const now = Date.now();
      const within = await admin.get(
        `/api/calls?from=${new Date(now - 3600_000).toISOString()}&campaign_id=${sc.campaignId}`,
      );
      assert.equal(within.body.total, 2);
      assert.equal(
        (await admin.get(`/api/calls?from=${new Date(now + 3600_000).toISOString()}`)).body.total,
        0,
      );
      assert.equal((await admin.get(`/api/calls?caller=3125550100`)).body.total, 1);
      // typed as people write numbers, matched against the E.164 the calls store
      assert.equal(
        (await admin.get(`/api/calls?caller=${encodeURIComponent('(312) 555-0100')}`)).body.total,
        1,
      );
      assert.equal((await admin.get(`/api/calls?did=${encodeURIComponent(sc.did.slice(2))}`)).body.total, 2);
    });

    test('the total is counted exactly up to a number of calls past the page, then as "at least"', async () => {
      const { createCallsService } = await import('../src/calls/calls.service.js');
      const calls = createCallsService({ db: t.db, countAhead: 1 });
      const all = await calls.list(sc.admin, {}, { limit: 100, offset: 0 });
      assert.ok(all.total >= 3 && all.total < 101, `${all.total}`);
      assert.equal(all.total_is_lower_bound, false);
      const first = await calls.list(sc.admin, {}, { limit: 1, offset: 0 });
      assert.deepEqual([first.items.length, first.total, first.total_is_lower_bound], [1, 2, true]);
      const last = await calls.list(sc.admin, {}, { limit: 1, offset: all.total - 1 });
      assert.deepEqual([last.total, last.total_is_lower_bound], [all.total, false]);
      const http = await admin.get('/api/calls?limit=1');
      assert.equal(http.body.total_is_lower_bound, false);
      assert.equal(http.body.total, all.total);
    });

    test('CSV export streams a header and one row per call', async () => {
      const res = await owner.get(`/api/calls/export.csv?campaign_id=${sc.campaignId}`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /text\/csv/);
      const lines = res.body.trim().split('\n');
      assert.match(lines[0], /^id,uniqueid,started_at/);
      assert.equal(lines.length, 3);
      assert.ok(lines.some((l: string) => l.includes(',h1,')));
    });

    test('a campaign that records its calls: route_info names the file, log_call closes it, the call lists it for whoever may see the call', async () => {
      const rec = await scenario(t.services, { campaign: { record_calls: true }, links: [{}] });
      const seller = await login(rec.seller.email);

      const routed = await pbx(
        'GET',
        `/api/internal/route_info?pbx=pbx-rec&uniqueid=r1&did=${encodeURIComponent(rec.did)}`,
      );
      assert.equal(routed.status, 200);
      assert.equal(routed.body.recording, `cc-${routed.body.call_id}`);
      const plain = await pbx(
        'GET',
        `/api/internal/route_info?pbx=pbx-rec&uniqueid=r2&did=${encodeURIComponent(sc.did)}`,
      );
      assert.equal(plain.body.status, 'dial');
      assert.equal(plain.body.recording, null);

      const id = routed.body.call_id;
      const listed = await seller.get(`/api/calls/${id}/recordings`);
      assert.equal(listed.status, 200);
      assert.deepEqual(
        listed.body.items.map((r: any) => [r.name, r.state, r.format]),
        [[`cc-${id}`, 'recording', 'wav']],
      );
      const logged = await pbx('POST', '/api/internal/log_call', {
        pbx: 'pbx-rec',
        uniqueid: 'r1',
        call_id: id,
        attempt_id: routed.body.attempt_id,
        dial_status: 'ANSWER',
        answered_time: 61,
      });
      assert.equal(logged.body.status, 'logged');
      const done = (await seller.get(`/api/calls/${id}/recordings`)).body.items[0];
      assert.deepEqual([done.state, done.duration], ['done', 61]);
      assert.ok(done.ended_at);
      assert.equal((await seller.get(`/api/calls/${id}`)).body.recording, `cc-${id}`);
      assert.equal((await admin.get(`/api/calls/${id}/recordings`)).body.items.length, 1);

      // Another seller, and the seller of another campaign, see neither the list nor the file.
      assert.equal((await other.get(`/api/calls/${id}/recordings`)).status, 404);
      assert.equal((await other.get(`/api/recordings/${done.id}/file`)).status, 404);
      assert.equal((await owner.get(`/api/recordings/${done.id}/file`)).status, 404);
      // No Asterisk server is registered for pbx-rec: nothing to fetch the file from, and said so.
      const file = await seller.get(`/api/recordings/${done.id}/file`);
      assert.equal(file.status, 409);
      assert.match(file.body.error.message, /no Asterisk server to fetch it from/);
      await pbx('POST', '/api/internal/log_call', {
        pbx: 'pbx-rec',
        uniqueid: 'r2',
        call_id: plain.body.call_id,
        attempt_id: plain.body.attempt_id,
        dial_status: 'NOANSWER',
      });
    });
  });
}
