import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createRoutingService } from '../src/routing/routing.service.js';
import { backends } from './helpers/db.js';
import { callFlow, reason } from './helpers/calls.js';
import { scenario } from './helpers/scenario.js';
import { linkCounters, startServices, type TestServices } from './helpers/services.js';

let uid = 0;
const call = () => `test-${process.pid}.${++uid}`;

for (const kind of backends()) {
  describe(`routing decisions on ${kind}`, () => {
    let t: TestServices;
    let c: ReturnType<typeof callFlow>;
    before(async () => {
      t = await startServices(kind);
      c = callFlow(t.s);
    });
    after(() => t.close());

    test('priority: best level first, failover down the levels, then no more candidates', async () => {
      const sc = await scenario(t.s, { links: [{ forwarding_priority: 2 }, { forwarding_priority: 1 }] });
      const id = call();

      const first = await c.route(id, sc.did);
      const second = await c.next(id, 'BUSY');
      const third = await c.next(id, 'NOANSWER');

      assert.deepEqual(first, {
        action: 'dial',
        callId: c.known(id)!.callId,
        attemptId: first.action === 'dial' ? first.attemptId : 0,
        dial: `PJSIP/${sc.clients[1]!.identifier}`,
        timeout: 30,
        maxSeconds: 14_400,
        linkId: sc.links[1],
        clientId: sc.clients[1]!.id,
      });
      assert.equal(second.action === 'dial' && second.linkId, sc.links[0]);
      assert.notEqual(
        second.action === 'dial' && second.attemptId,
        first.action === 'dial' && first.attemptId,
      );
      assert.equal(reason(third), 'no_more_candidates');
      assert.equal((await linkCounters(t.db, sc.links[0]!)).in_flight, 0);
      assert.equal((await linkCounters(t.db, sc.links[1]!)).in_flight, 0);

      const end = await c.end(id, 'NOANSWER');
      const { rows } = await t.db.query<any>('SELECT * FROM calls WHERE id = $1', [end.callId]);
      const attempts = await t.db.query<any>(
        'SELECT link_id, dial_status FROM call_attempts WHERE call_id = $1 ORDER BY seq',
        [end.callId],
      );
      assert.equal(rows[0].routing_status, 'routed');
      assert.equal(rows[0].disposition, 'NO ANSWER');
      assert.equal(rows[0].reject_reason, 'no_more_candidates');
      assert.deepEqual(attempts.rows, [
        { link_id: sc.links[1], dial_status: 'BUSY' },
        { link_id: sc.links[0], dial_status: 'NOANSWER' },
      ]);
    });

    test('the attempt limit stops failover', async () => {
      const sc = await scenario(t.s, { campaign: { max_attempts: 1 }, links: [{}, {}] });
      const id = call();
      await c.route(id, sc.did);
      assert.equal(reason(await c.next(id, 'CHANUNAVAIL')), 'attempts_exhausted');
    });

    test('round robin rotates through the best level and keeps its place across calls', async () => {
      const sc = await scenario(t.s, {
        campaign: { routing_strategy: 'round_robin' },
        links: [
          { forwarding_priority: 1 },
          { forwarding_priority: 1 },
          { forwarding_priority: 1 },
          { forwarding_priority: 5 },
        ],
      });
      const picked: number[] = [];
      for (let i = 0; i < 6; i++) {
        const id = call();
        const d = await c.route(id, sc.did);
        if (d.action === 'dial') picked.push(sc.links.indexOf(d.linkId));
        await c.end(id, 'ANSWER', { billsec: 5 });
      }
      assert.deepEqual(picked, [0, 1, 2, 0, 1, 2]);
    });

    test('weighted: calls split by weight within statistical tolerance; lower levels only as failover', async () => {
      const sc = await scenario(t.s, {
        campaign: { routing_strategy: 'weighted' },
        links: [{ weight: 1 }, { weight: 3 }, { weight: 100, forwarding_priority: 9 }],
      });
      const counts = [0, 0, 0];
      const calls = 600;
      for (let i = 0; i < calls; i++) {
        const id = call();
        const d = await c.route(id, sc.did);
        if (d.action === 'dial') counts[sc.links.indexOf(d.linkId)]!++;
        await c.end(id, 'NOANSWER');
      }
      const share = counts[1]! / calls;
      // expected 0.75; 4 standard deviations of a binomial proportion at n=600 is ±0.071
      assert.ok(Math.abs(share - 0.75) < 0.071, `weight-3 share ${share}`);
      assert.equal(counts[2], 0);
    });

    for (const strategy of ['round_robin', 'weighted'] as const) {
      test(`${strategy}: failover tries the rest of the best level, then the lower levels, each link once`, async () => {
        const sc = await scenario(t.s, {
          campaign: { routing_strategy: strategy, max_attempts: 5 },
          links: [
            { forwarding_priority: 1 },
            { forwarding_priority: 1 },
            { forwarding_priority: 3 },
            { forwarding_priority: 2 },
          ],
        });
        const id = call();
        const tried: number[] = [];
        let d = await c.route(id, sc.did);
        while (d.action === 'dial') {
          tried.push(sc.links.indexOf(d.linkId));
          d = await c.next(id, 'NOANSWER');
        }
        assert.equal(reason(d), 'no_more_candidates');
        assert.deepEqual(tried.slice(0, 2).sort(), [0, 1]);
        assert.deepEqual(tried.slice(2), [3, 2]);
      });
    }

    test('caps count calls in flight: a full link is skipped with the cap named in the trace', async () => {
      const sc = await scenario(t.s, { links: [{ max_concurrency: 2 }, { forwarding_priority: 2 }] });
      const ids = [call(), call(), call()];
      const d = [];
      for (const id of ids) d.push(await c.route(id, sc.did));

      assert.deepEqual(
        d.map((x) => x.action === 'dial' && sc.links.indexOf(x.linkId)),
        [0, 0, 1],
      );
      const live = await t.db.query<any>('SELECT trace FROM calls WHERE uniqueid = $1', [ids[2]]);
      const skipped = live.rows[0].trace.find((e: any) => e.outcome === 'skipped');
      assert.equal(skipped.link_id, sc.links[0]);
      assert.deepEqual(skipped.caps, [{ cap: 'max_concurrency', limit: 2, used: 2 }]);

      await c.next(ids[0]!, 'BUSY'); // releases one slot at once
      const again = await c.route(call(), sc.did);
      assert.equal(again.action === 'dial' && again.linkId, sc.links[0]);
    });

    test("a client's global limit counts its calls over every campaign", async () => {
      const a = await scenario(t.s, { links: [{ client: { max_concurrency: 1 } }] });
      const b = await scenario(t.s, { links: [{}] });
      await t.s.links.update(b.seller, b.links[0]!, { status: 'paused' });
      await t.s.links.create(b.seller, b.campaignId, { client_id: a.clients[0]!.id });

      assert.equal((await c.route(call(), a.did)).action, 'dial');
      assert.equal(reason(await c.route(call(), b.did)), 'all_candidates_capped');
    });

    test('total cap counts only calls that reached min_billable_duration; reaching it notifies the seller once', async () => {
      const sc = await scenario(t.s, {
        links: [{ total_calls_allowed: 1, min_billable_duration: 30, payout: '10' }],
      });
      const short = call();
      await c.route(short, sc.did);
      await c.end(short, 'ANSWER', { billsec: 29 });
      assert.equal((await linkCounters(t.db, sc.links[0]!)).current_total_calls, 0);

      const long = call();
      await c.route(long, sc.did);
      const end = await c.end(long, 'ANSWER', { billsec: 30 });

      assert.equal((await linkCounters(t.db, sc.links[0]!)).current_total_calls, 1);
      const log = await t.db.query<any>('SELECT billable, payout FROM calls WHERE id = $1', [end.callId]);
      assert.deepEqual(log.rows[0], { billable: true, payout: '10.0000' });
      assert.equal(reason(await c.route(call(), sc.did)), 'all_candidates_capped');
      const notes = await t.s.notifications.list(sc.seller, {}, { limit: 10, offset: 0 });
      assert.equal(notes.items.filter((n) => n.kind === 'cap_reached').length, 1);
    });

    test('the daily cap resets at midnight in the campaign time zone', async () => {
      t.clock.set('2026-11-24T04:30:00Z'); // 23:30 in New York (EST)
      const sc = await scenario(t.s, {
        campaign: { timezone: 'America/New_York' },
        links: [{ daily_cap: 1 }],
      });
      const a = call();
      await c.route(a, sc.did);
      await c.end(a, 'ANSWER', { billsec: 60 });

      t.clock.set('2026-11-24T04:55:00Z'); // 23:55 New York, still the same day
      assert.equal(reason(await c.route(call(), sc.did)), 'all_candidates_capped');
      t.clock.set('2026-11-24T05:01:00Z'); // 00:01 New York, a new day (05:01 UTC, same UTC day)
      assert.equal((await c.route(call(), sc.did)).action, 'dial');
    });

    test('business hours are read in the campaign time zone, across the UTC date line', async () => {
      const hours = { mon: [{ start: '09:00', end: '17:00' }] };
      const sc = await scenario(t.s, {
        campaign: { timezone: 'America/Los_Angeles', business_hours: hours },
        links: [{}],
      });
      t.clock.set('2026-11-23T16:59:00Z'); // Monday 08:59 in Los Angeles
      assert.equal(reason(await c.route(call(), sc.did)), 'closed');
      t.clock.set('2026-11-23T17:00:00Z'); // 09:00
      assert.equal((await c.route(call(), sc.did)).action, 'dial');
      t.clock.set('2026-11-24T00:59:00Z'); // Tuesday in UTC, still Monday 16:59 in Los Angeles
      assert.equal((await c.route(call(), sc.did)).action, 'dial');
      t.clock.set('2026-11-24T01:00:00Z'); // 17:00: closed
      assert.equal(reason(await c.route(call(), sc.did)), 'closed');
      t.clock.set('2026-11-23T15:00:00Z');
    });

    test('closed or disabled clients and paused links are skipped with their reason', async () => {
      const sc = await scenario(t.s, {
        links: [
          { client: { business_hours: { sun: [{ start: '00:00', end: '01:00' }] } } },
          { client: { status: 'disabled' } },
          { status: 'paused' },
          {},
        ],
      });
      const id = call();
      const d = await c.route(id, sc.did);
      assert.equal(d.action === 'dial' && d.linkId, sc.links[3]);
      const live = await t.db.query<any>('SELECT trace FROM calls WHERE uniqueid = $1', [id]);
      assert.deepEqual(
        live.rows[0].trace.filter((e: any) => e.outcome === 'skipped').map((e: any) => e.reason),
        ['client_closed', 'client_disabled', 'link_paused'],
      );
    });

    test('with the context cache on, statuses and balance are still checked live for every call', async () => {
      const cached = createRoutingService({
        db: t.db,
        clock: t.clock,
        settings: t.s.settings,
        contextCacheMs: 60_000,
      });
      const sc = await scenario(t.s, { links: [{}] });
      const cachedCall = (did: string) => cached.route({ pbx: 'test-pbx', uniqueid: call(), did });
      assert.equal((await cachedCall(sc.did)).action, 'dial');

      await t.s.campaigns.update(sc.seller, sc.campaignId, { status: 'paused' });
      assert.equal(reason(await cachedCall(sc.did)), 'campaign_inactive');
      await t.s.campaigns.update(sc.seller, sc.campaignId, { status: 'active' });
      await t.s.balances.adjust(sc.admin, sc.seller.id, { amount: '-1000', note: 'drain' });
      assert.equal(reason(await cachedCall(sc.did)), 'insufficient_balance');
      await t.s.balances.topUp(sc.admin, sc.seller.id, { amount: '5' });
      await t.s.links.update(sc.seller, sc.links[0]!, { status: 'paused' });
      assert.equal(reason(await cachedCall(sc.did)), 'all_candidates_capped');
    });

    test('a campaign that records its calls: the answer names a file, kept with the call and closed at its end', async () => {
      const server = await t.db.query<{ id: number }>(
        `INSERT INTO asterisk_servers (name, pbx, ari_url, ari_username, ari_password)
         VALUES ('Test PBX', 'test-pbx', 'http://127.0.0.1:8088/ari', 'capconduit', 'sealed') RETURNING id`,
      );
      const recorded = await scenario(t.s, {
        campaign: { record_calls: true },
        links: [{}, { forwarding_priority: 2 }],
      });
      const plain = await scenario(t.s, { links: [{}] });
      const id = call();
      const recordings = async (callId: number) =>
        (
          await t.db.query<any>(
            'SELECT call_id, server_id, name, format, state, duration, ended_at IS NOT NULL AS ended FROM recordings WHERE call_id = $1',
            [callId],
          )
        ).rows;

      const first = await c.route(id, recorded.did);
      const callId = c.known(id)!.callId!;
      const name = `cc-${callId}`;
      assert.equal(first.action === 'dial' && first.recording, name);
      // The answer lost and asked again, and a failover: the same file, never a second one.
      const again = await c.route(id, recorded.did);
      assert.equal(again.action === 'dial' && again.recording, name);
      const failover = await c.next(id, 'BUSY');
      assert.equal(failover.action === 'dial' && failover.recording, name);
      assert.deepEqual(await recordings(callId), [
        {
          call_id: callId,
          server_id: server.rows[0]!.id,
          name,
          format: 'wav',
          state: 'recording',
          duration: null,
          ended: false,
        },
      ]);
      const row = await t.db.query<any>('SELECT recording FROM calls WHERE id = $1', [callId]);
      assert.equal(row.rows[0].recording, name);

      await c.end(id, 'ANSWER', { billsec: 42 });
      assert.deepEqual(
        (await recordings(callId)).map((r) => [r.state, r.duration, r.ended]),
        [['done', 42, true]],
      );
      assert.deepEqual(
        (await t.s.callControl.recordings.list(recorded.seller, callId)).map((r) => [r.name, r.state]),
        [[name, 'done']],
      );

      // Campaigns that do not record, and calls that are rejected, name no file and have no row.
      const plainCall = await c.route(call(), plain.did);
      assert.equal(plainCall.action, 'dial');
      assert.equal('recording' in plainCall, false);
      const plainId = plainCall.callId;
      assert.deepEqual(await recordings(plainId), []);
      await t.s.campaigns.update(recorded.seller, recorded.campaignId, { status: 'paused' });
      const refused = await c.route(call(), recorded.did);
      assert.equal(reason(refused), 'campaign_inactive');
      assert.deepEqual(await recordings(refused.callId!), []);
      await t.s.campaigns.update(recorded.seller, recorded.campaignId, { status: 'active' });

      // A PBX no Asterisk server is registered for: the row has no server (the file stays on the PBX).
      const elsewhere = callFlow(t.s, 'pbx-unregistered');
      const unregistered = await elsewhere.route(call(), recorded.did);
      assert.equal(unregistered.action, 'dial');
      const [orphan] = await recordings(unregistered.callId!);
      assert.deepEqual([orphan.server_id, orphan.name], [null, `cc-${unregistered.callId}`]);
    });

    test('rejections say why: unknown DID, paused campaign, low balance', async () => {
      assert.equal(reason(await c.route(call(), '+14155550000')), 'unknown_did');
      assert.equal(reason(await c.route(call(), 'garbage')), 'unknown_did');
      const paused = await scenario(t.s, { campaign: { status: 'paused' }, links: [{}] });
      assert.equal(reason(await c.route(call(), paused.did)), 'campaign_inactive');
      const broke = await scenario(t.s, { balance: '0', links: [{}] });
      assert.equal(reason(await c.route(call(), broke.did)), 'insufficient_balance');
    });
  });
}
