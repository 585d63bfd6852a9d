import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createReportsService } from '../src/reports/reports.service.js';
import type { Actor } from '../src/shared/types.js';
import { startTestApp, type Client, type TestApp } from './helpers/app.js';
import { callFlow } from './helpers/calls.js';
import { backends } from './helpers/db.js';
import { scenario, type Scenario } from './helpers/scenario.js';

let uid = 0;
const uniqueid = () => `1796414400.${process.pid}${++uid}`;

interface Key {
  key_id: string;
  secret: string;
}

/**
 * Signs as a buyer's CRM would, from docs/postbacks.md alone: the parameters sorted by name,
 * `name=value` (RFC 3986-encoded) joined by `&`, HMAC-SHA256 with the key, in hex.
 */
function crmSign(secret: string, params: Record<string, string>): Record<string, string> {
  const enc = (s: string) =>
    encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
  const canonical = Object.keys(params)
    .sort()
    .map((k) => `${enc(k)}=${enc(params[k]!)}`)
    .join('&');
  return { ...params, sig: createHmac('sha256', secret).update(canonical).digest('hex') };
}

for (const kind of backends()) {
  describe(`conversion postbacks on ${kind}`, () => {
    let t: TestApp;
    let admin: Client;
    const ts = () => String(Math.floor(t.clock.now().getTime() / 1000));
    const today = () => t.clock.now().toISOString().slice(0, 10);

    /** The parameters of a postback, signed with `key`, fresh nonce and ts unless given. */
    const postback = (key: Key, p: Record<string, string>) =>
      crmSign(key.secret, { key_id: key.key_id, ts: ts(), nonce: randomUUID(), ...p });

    /** A GET pixel, a real HTTP request. */
    async function pixel(params: Record<string, string>) {
      const res = await fetch(`${t.url}/postback/conversions?${new URLSearchParams(params)}`);
      return { status: res.status, body: (await res.json()) as any };
    }
    async function postForm(params: Record<string, string>) {
      const res = await fetch(`${t.url}/postback/conversions`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(params).toString(),
      });
      return { status: res.status, body: (await res.json()) as any };
    }
    const postJson = (params: Record<string, unknown>) => t.anon.post('/postback/conversions', params);

    async function keyFor(clientId: number): Promise<Key> {
      const res = await admin.post(`/api/clients/${clientId}/postback-keys/rotate`, {});
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res.body;
    }
    const callRow = async (id: number) =>
      (
        await t.db.query<{ billable: boolean; payout: string; state: string; client_id: number | null }>(
          'SELECT billable, payout::text AS payout, state, client_id FROM calls WHERE id = $1',
          [id],
        )
      ).rows[0]!;
    const outbox = async (callId: number) =>
      (
        await t.db.query<{ event: string; payload: any }>(
          `SELECT event, payload FROM webhook_outbox WHERE payload->'data'->>'call_id' = $1 AND event LIKE 'call.conversion%' ORDER BY id`,
          [String(callId)],
        )
      ).rows;
    /** The buyer's figures as the reports show them (from the rollups), and the same read from the calls. */
    async function buyerFigures(seller: Actor, clientId: number) {
      const q = {
        from: today(),
        to: today(),
        timezone: 'UTC',
        group_by: 'buyer' as const,
        interval: 'day' as const,
      };
      const row = (r: any) => r.rows.find((x: any) => x.key === String(clientId));
      const rolled = row(await t.services.reports.report(seller, q));
      const exact = row(await createReportsService({ db: t.db, forceCalls: true }).report(seller, q));
      assert.deepEqual(rolled, exact, 'the rollups agree with the calls');
      const statement = await t.services.reports.statement(seller, clientId, q);
      return {
        converted: rolled.converted,
        revenue: rolled.revenue,
        statement: [statement.converted_calls, statement.amount_due],
      };
    }
    /** A scenario of two buyers (payout 2.50 each, 60 s to convert) and a call answered by the first. */
    async function answeredCall(sc?: Scenario, billsec = 90) {
      sc ??= await scenario(t.services, {
        links: [
          { payout: '2.5', min_billable_duration: 60, forwarding_priority: 1 },
          { payout: '2.5', min_billable_duration: 60, forwarding_priority: 2 },
        ],
      });
      const flow = callFlow(t.services);
      const u = uniqueid();
      const d = await flow.route(u, sc.did, '+14155550123');
      assert.equal(d.action, 'dial');
      await flow.end(u, 'ANSWER', { billsec });
      return { sc, callId: flow.known(u)!.callId!, uniqueid: u };
    }

    before(async () => {
      t = await startTestApp(kind);
      admin = await t.userClient('admin');
    });
    after(() => t.close());

    test('a buyer’s CRM reverses a conversion with a signed GET pixel, then confirms it by POST: the call, reports, statement and webhooks follow', async () => {
      const { sc, callId } = await answeredCall();
      const buyer = sc.clients[0]!.id;
      const seller = await t.anon.post('/api/auth/login', { email: sc.seller.email, password: 'password-1' });
      const sub = await t.client(seller.body.token).post('/api/webhooks', {
        url: 'https://crm.example.com/hooks',
        events: ['call.conversion_confirmed', 'call.conversion_reversed'],
      });
      assert.equal(sub.status, 201, JSON.stringify(sub.body));
      const key = await keyFor(buyer);
      assert.match(key.key_id, /^pbk_[A-Za-z0-9_-]{16}$/);
      assert.deepEqual(await buyerFigures(sc.seller, buyer), {
        converted: 1,
        revenue: '2.5000',
        statement: [1, '2.5000'],
      });

      const reversed = await pixel(
        postback(key, { action: 'reverse', call_id: String(callId), reason: 'no sale (duplicate lead)' }),
      );
      assert.equal(reversed.status, 200, JSON.stringify(reversed.body));
      assert.deepEqual(reversed.body, {
        result: 'applied',
        postback_id: reversed.body.postback_id,
        call_id: callId,
        action: 'reverse',
        converted: false,
        payout: '0.0000',
        previous_converted: true,
        previous_payout: '2.5000',
      });
      assert.deepEqual(await callRow(callId), {
        billable: false,
        payout: '0.0000',
        state: 'ended',
        client_id: buyer,
      });
      assert.deepEqual(await buyerFigures(sc.seller, buyer), {
        converted: 0,
        revenue: '0.0000',
        statement: [0, '0.0000'],
      });

      const confirmed = await postForm(
        postback(key, { action: 'confirm', call_id: String(callId), amount: '3.75' }),
      );
      assert.equal(confirmed.status, 200, JSON.stringify(confirmed.body));
      assert.deepEqual(
        [confirmed.body.result, confirmed.body.converted, confirmed.body.payout],
        ['applied', true, '3.7500'],
      );
      assert.deepEqual(await buyerFigures(sc.seller, buyer), {
        converted: 1,
        revenue: '3.7500',
        statement: [1, '3.7500'],
      });

      // a confirm without an amount after a reverse takes the deal's payout back
      await pixel(postback(key, { action: 'reverse', call_id: String(callId) }));
      const json = await postJson({ ...postback(key, { action: 'confirm', call_id: String(callId) }) });
      assert.equal(json.status, 200, JSON.stringify(json.body));
      assert.equal(json.body.payout, '2.5000');

      const events = await outbox(callId);
      assert.deepEqual(
        events.map((e) => [
          e.event,
          e.payload.data.converted,
          e.payload.data.payout,
          e.payload.data.previous_payout,
        ]),
        [
          ['call.conversion_reversed', false, '0.0000', '2.5000'],
          ['call.conversion_confirmed', true, '3.7500', '0.0000'],
          ['call.conversion_reversed', false, '0.0000', '3.7500'],
          ['call.conversion_confirmed', true, '2.5000', '0.0000'],
        ],
      );
      assert.equal(events[0]!.payload.data.postback.reason, 'no sale (duplicate lead)');
      assert.equal(events[0]!.payload.data.client_id, buyer);

      // the audit: on the call's page (the seller sees their own call's) and the buyer's
      const own = await t.client(seller.body.token).get(`/api/calls/${callId}/postbacks`);
      assert.equal(own.status, 200);
      assert.deepEqual(
        own.body.map((p: any) => [p.action, p.result, p.old_payout, p.new_payout, p.key_id]),
        [
          ['confirm', 'applied', '0.0000', '2.5000', key.key_id],
          ['reverse', 'applied', '3.7500', '0.0000', key.key_id],
          ['confirm', 'applied', '0.0000', '3.7500', key.key_id],
          ['reverse', 'applied', '2.5000', '0.0000', key.key_id],
        ],
      );
      assert.ok(own.body.every((p: any) => p.request_id && p.nonce && p.remote_address === null));
      const staffView = await admin.get(`/api/calls/${callId}/postbacks`);
      assert.ok(staffView.body.every((p: any) => /127\.0\.0\.1/.test(p.remote_address)));
      const byBuyer = await admin.get(`/api/clients/${buyer}/postbacks`);
      assert.equal(byBuyer.body.total, 4);
      const detail = await admin.get(`/api/calls/${callId}`);
      assert.equal(detail.body.trace.filter((s: any) => s.step === 'postback').length, 4);
    });

    test('the same postback twice changes nothing the second time and answers the current state; a replayed request is refused', async () => {
      const { sc, callId } = await answeredCall();
      const buyer = sc.clients[0]!.id;
      const key = await keyFor(buyer);
      const first = postback(key, { action: 'reverse', call_id: String(callId) });
      assert.equal((await pixel(first)).body.result, 'applied');
      const again = await pixel(postback(key, { action: 'reverse', call_id: String(callId) }));
      assert.equal(again.status, 200);
      assert.deepEqual(
        [again.body.result, again.body.converted, again.body.payout],
        ['unchanged', false, '0.0000'],
      );
      assert.equal(
        (await outbox(callId)).length,
        0,
        'no subscription: no outbox row, and none for an unchanged call',
      );

      const replay = await pixel(first);
      assert.equal(replay.status, 409);
      assert.equal(replay.body.error.details.reason, 'nonce_used');
      // a replay of an older confirm does not undo the later reverse either
      const key2 = await keyFor(buyer);
      const confirm = postback(key2, { action: 'confirm', call_id: String(callId) });
      assert.equal((await pixel(confirm)).body.result, 'applied');
      assert.equal(
        (await pixel(postback(key2, { action: 'reverse', call_id: String(callId) }))).body.result,
        'applied',
      );
      assert.equal((await postForm(confirm)).status, 409);
      assert.deepEqual(await callRow(callId), {
        billable: false,
        payout: '0.0000',
        state: 'ended',
        client_id: buyer,
      });
      assert.deepEqual(await buyerFigures(sc.seller, buyer), {
        converted: 0,
        revenue: '0.0000',
        statement: [0, '0.0000'],
      });
    });

    test('postbacks racing on one call are taken one at a time: of ten reverses one applies; of one request sent five times at once one is taken', async () => {
      const { sc, callId } = await answeredCall();
      const buyer = sc.clients[0]!.id;
      const key = await keyFor(buyer);
      const reverses = await Promise.all(
        Array.from({ length: 10 }, () =>
          pixel(postback(key, { action: 'reverse', call_id: String(callId) })),
        ),
      );
      assert.deepEqual(
        reverses.map((r) => r.status),
        Array(10).fill(200),
      );
      assert.equal(reverses.filter((r) => r.body.result === 'applied').length, 1);
      assert.deepEqual(await buyerFigures(sc.seller, buyer), {
        converted: 0,
        revenue: '0.0000',
        statement: [0, '0.0000'],
      });

      const same = postback(key, { action: 'confirm', call_id: String(callId), amount: '5' });
      const sent = await Promise.all(Array.from({ length: 5 }, () => pixel(same)));
      assert.deepEqual(sent.map((r) => r.status).sort(), [200, 409, 409, 409, 409]);
      assert.ok(
        sent.filter((r) => r.status === 409).every((r) => r.body.error.details.reason === 'nonce_used'),
      );
      assert.deepEqual(await buyerFigures(sc.seller, buyer), {
        converted: 1,
        revenue: '5.0000',
        statement: [1, '5.0000'],
      });
      assert.equal((await admin.get(`/api/calls/${callId}/postbacks`)).body.length, 11);
    });

    test('a bad signature, an old timestamp, an unknown or rotated key are 401 and change nothing', async () => {
      const { sc, callId } = await answeredCall();
      const buyer = sc.clients[0]!.id;
      const key = await keyFor(buyer);
      const p = postback(key, { action: 'reverse', call_id: String(callId) });
      const tampered = await pixel({ ...p, call_id: String(callId + 1) });
      assert.equal(tampered.status, 401);
      assert.match(tampered.body.error.message, /sig does not match/);
      assert.equal(
        (await pixel({ ...p, sig: p.sig!.replace(/^./, (c) => (c === 'a' ? 'b' : 'a')) })).status,
        401,
      );
      const wrongKey = await pixel(
        crmSign('pbsk_guess', {
          key_id: key.key_id,
          ts: ts(),
          nonce: randomUUID(),
          action: 'reverse',
          call_id: String(callId),
        }),
      );
      assert.equal(wrongKey.status, 401);
      const old = postback(key, {
        action: 'reverse',
        call_id: String(callId),
        ts: String(Number(ts()) - 301),
      });
      const stale = await pixel(old);
      assert.equal(stale.status, 401);
      assert.match(stale.body.error.message, /301 s behind/);
      const unknown = await pixel(
        postback(
          { key_id: 'pbk_AAAAAAAAAAAAAAAA', secret: 'x' },
          { action: 'reverse', call_id: String(callId) },
        ),
      );
      assert.equal(unknown.status, 401);

      // rotating with a grace period keeps the old key working until it ends
      const graced = await admin.post(`/api/clients/${buyer}/postback-keys/rotate`, { grace_hours: 1 });
      const keys = await admin.get(`/api/clients/${buyer}/postback-keys`);
      assert.deepEqual(
        keys.body.keys.map((k: any) => [k.key_id, k.expires_at === null]),
        [
          [graced.body.key_id, true],
          [key.key_id, false],
        ],
      );
      assert.equal(keys.body.keys[0].secret, undefined, 'a secret is shown only when made');
      t.clock.advance(3_600_000 + 1000);
      const expired = await pixel(postback(key, { action: 'reverse', call_id: String(callId) }));
      assert.equal(expired.status, 401);
      assert.match(expired.body.error.message, /rotated or revoked/);
      assert.deepEqual(await callRow(callId), {
        billable: true,
        payout: '2.5000',
        state: 'ended',
        client_id: buyer,
      });
      assert.equal(
        (await admin.get(`/api/calls/${callId}/postbacks`)).body.length,
        0,
        'unsigned requests are not kept',
      );
      await admin.del(`/api/clients/${buyer}/postback-keys`);
      assert.equal(
        (await pixel(postback(graced.body, { action: 'reverse', call_id: String(callId) }))).status,
        401,
      );
    });

    test('another buyer’s key cannot touch the call: 404 when it was never offered the call, 409 when it did not answer it', async () => {
      const sc = await scenario(t.services, {
        links: [
          { payout: '2.5', min_billable_duration: 60, forwarding_priority: 1 },
          { payout: '4', min_billable_duration: 60, forwarding_priority: 2 },
          { payout: '1', min_billable_duration: 60, forwarding_priority: 3 },
        ],
        campaign: { max_attempts: 3 },
      });
      const [a, b, c] = sc.clients.map((x) => x.id) as [number, number, number];
      // a was busy, b answered
      const flow = callFlow(t.services);
      const u = uniqueid();
      await flow.route(u, sc.did, '+14155550123');
      const d = await flow.next(u, 'BUSY');
      assert.equal(d.action, 'dial');
      await flow.end(u, 'ANSWER', { billsec: 120 });
      const callId = flow.known(u)!.callId!;
      const [ka, kb, kc] = [await keyFor(a), await keyFor(b), await keyFor(c)];

      const notAnswered = await pixel(postback(ka, { action: 'reverse', call_id: String(callId) }));
      assert.equal(notAnswered.status, 409);
      assert.equal(notAnswered.body.error.details.reason, 'not_answered_by_buyer');
      const stranger = await pixel(postback(kc, { action: 'reverse', call_id: String(callId) }));
      assert.equal(stranger.status, 404);
      assert.equal((await pixel(postback(kc, { action: 'reverse', call_id: '987654321' }))).status, 404);
      assert.deepEqual(await callRow(callId), {
        billable: true,
        payout: '4.0000',
        state: 'ended',
        client_id: b,
      });

      // refusals of signed postbacks are kept: the buyer's list shows why
      const refused = (await admin.get(`/api/clients/${a}/postbacks`)).body.items;
      assert.deepEqual(
        refused.map((p: any) => [p.result, p.error_code, p.call_id]),
        [['refused', 'not_answered_by_buyer', callId]],
      );
      const kcList = (await admin.get(`/api/clients/${c}/postbacks`)).body.items;
      assert.deepEqual(
        kcList.map((p: any) => [p.error_code, p.call_id]),
        [
          ['unknown_call', null],
          ['unknown_call', null],
        ],
      );

      const ok = await pixel(postback(kb, { action: 'reverse', call_id: String(callId) }));
      assert.equal(ok.status, 200);
    });

    test('a call in progress is 409; a call found by uniqueid or by caller and time; bad input is a 400 naming the parameter', async () => {
      const sc = await scenario(t.services, { links: [{ payout: '2.5', min_billable_duration: 60 }] });
      const buyer = sc.clients[0]!.id;
      const key = await keyFor(buyer);
      const flow = callFlow(t.services);
      const live = uniqueid();
      await flow.route(live, sc.did, '+14155550199');
      const open = await pixel(
        postback(key, { action: 'confirm', call_id: String(flow.known(live)!.callId) }),
      );
      assert.equal(open.status, 409);
      assert.equal(open.body.error.details.reason, 'call_in_progress');
      assert.match(open.body.error.message, /still in progress/);
      await flow.end(live, 'ANSWER', { billsec: 30 }); // too short to convert

      const byUid = await pixel(postback(key, { action: 'confirm', uniqueid: live }));
      assert.equal(byUid.status, 200, JSON.stringify(byUid.body));
      assert.deepEqual(
        [byUid.body.previous_converted, byUid.body.converted, byUid.body.payout],
        [false, true, '2.5000'],
      );

      const at = t.clock.now().toISOString();
      const byCaller = await pixel(postback(key, { action: 'reverse', caller: '(415) 555-0199', at }));
      assert.equal(byCaller.status, 200, JSON.stringify(byCaller.body));
      assert.equal(byCaller.body.call_id, flow.known(live)!.callId);
      const nobody = await pixel(postback(key, { action: 'reverse', caller: '+14155550100', at }));
      assert.equal(nobody.status, 404);

      const cid = String(flow.known(live)!.callId);
      const cases: [Record<string, string>, RegExp][] = [
        [{ action: 'reverse', call_id: cid, amount: '1' }, /a reverse takes no amount/],
        [{ action: 'confirm', call_id: cid, amount: '100000.01' }, /amount/],
        [{ action: 'confirm', call_id: cid, amount: '1.23456' }, /4 decimal places/],
        [{ action: 'confirm', call_id: cid, uniqueid: live }, /exactly one of/],
        [{ action: 'refund', call_id: cid }, /action/],
        [{ action: 'confirm', caller: '+14155550199' }, /at/],
      ];
      for (const [p, message] of cases) {
        const res = await pixel(postback(key, p));
        assert.equal(res.status, 400, JSON.stringify([p, res.body]));
        assert.match(res.body.error.message, message);
      }
      assert.equal((await pixel({ action: 'confirm' })).status, 400);
      assert.equal(
        (await pixel({ ...postback(key, { action: 'confirm', call_id: cid }), extra: '1' })).status,
        400,
      );
      const form = await fetch(`${t.url}/postback/conversions`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'action=confirm&action=reverse',
      });
      assert.equal(form.status, 400);
    });

    test('a reversal gives no room back under the link’s caps; admins and staff manage keys, sellers cannot', async () => {
      const { sc, callId } = await answeredCall();
      const buyer = sc.clients[0]!.id;
      const counters = async () =>
        (
          await t.db.query(
            'SELECT current_total_calls, day_count FROM campaign_client_settings WHERE id = $1',
            [sc.links[0]],
          )
        ).rows[0];
      const before = await counters();
      const key = await keyFor(buyer);
      assert.equal((await pixel(postback(key, { action: 'reverse', call_id: String(callId) }))).status, 200);
      assert.deepEqual(await counters(), before);

      const staff = await t.userClient('staff');
      assert.equal((await staff.post(`/api/clients/${buyer}/postback-keys/rotate`, {})).status, 201);
      const seller = await t.userClient('seller');
      assert.equal((await seller.post(`/api/clients/${buyer}/postback-keys/rotate`, {})).status, 403);
      assert.equal((await seller.get(`/api/calls/${callId}/postbacks`)).status, 404, 'another seller’s call');
      assert.equal((await admin.post('/api/clients/987654/postback-keys/rotate', {})).status, 404);
    });
  });
}
