import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { applyCallerRules, callerRefusal, checkedFilter } from '../src/routing/callers.js';
import { backends } from './helpers/db.js';
import { callFlow, reason } from './helpers/calls.js';
import { scenario } from './helpers/scenario.js';
import { startServices, type TestServices } from './helpers/services.js';

let uid = 0;
const call = () => `callers-${process.pid}.${++uid}`;
const NY = '+12125550101';
const TX = '+15125550102';

test('a caller filter: area codes, states, numbers and prefixes, anonymous callers', () => {
  assert.equal(callerRefusal(null, NY), undefined);
  assert.equal(callerRefusal({ block_areas: ['212'] }, NY), 'area code 212 (US-NY) is blocked (212)');
  assert.equal(callerRefusal({ block_areas: ['NY'] }, NY), 'area code 212 (US-NY) is blocked (NY)');
  assert.equal(callerRefusal({ block_areas: ['US-TX'] }, NY), undefined);
  assert.equal(
    callerRefusal({ allow_areas: ['TX'] }, NY),
    'area code 212 (US-NY) is not among the allowed areas',
  );
  assert.equal(callerRefusal({ allow_areas: ['TX', '212'] }, NY), undefined);
  assert.equal(
    callerRefusal({ allow_areas: ['TX'] }, '+442071234567'),
    'a number outside North America is not among the allowed areas',
  );
  assert.equal(
    callerRefusal({ block_numbers: ['+12125550101'] }, NY),
    'caller +12125550101 matches blocked +12125550101',
  );
  assert.equal(
    callerRefusal({ block_numbers: ['+1212*'] }, NY),
    'caller +12125550101 matches blocked +1212*',
  );
  assert.equal(callerRefusal({ block_numbers: ['+1213*'] }, NY), undefined);
  assert.equal(callerRefusal({ block_anonymous: true }, null), 'anonymous callers are blocked');
  assert.equal(callerRefusal({ block_anonymous: true }, 'anonymous'), 'anonymous callers are blocked');
  assert.equal(callerRefusal({ allow_areas: ['TX'] }, null), undefined);
});

test('a filter is saved clean, or refused with every problem named', () => {
  assert.deepEqual(
    checkedFilter({ allow_areas: [' ny ', 'NY', '512'], block_numbers: [], block_anonymous: false }),
    {
      allow_areas: ['NY', '512'],
    },
  );
  assert.equal(checkedFilter({ allow_areas: [], block_areas: [] }), null);
  assert.equal(checkedFilter(undefined), undefined);
  assert.throws(
    () => checkedFilter({ allow_areas: ['999', 'Texas'], block_numbers: ['12125550101', '+1900*'] }),
    (e: any) =>
      e.status === 400 &&
      /999 is not a North American area code/.test(e.message) &&
      /"TEXAS" is neither an area code/.test(e.message) &&
      /"12125550101" is neither an E.164 number/.test(e.message) &&
      !/"\+1900\*"/.test(e.message),
  );
});

test('a repeat caller: each link by its own window and action, else the campaign’s', () => {
  const link = (id: number, over: object = {}) => ({
    id,
    client_id: id * 10,
    client_identifier: `c${id}`,
    client_name: `C${id}`,
    status: 'active' as const,
    client_status: 'active' as const,
    forwarding_priority: 1,
    weight: 1,
    schedule: null,
    client_timezone: 'UTC',
    client_hours: null,
    min_billable_duration: 0,
    payout: '5.0000',
    caller_filter: null,
    duplicate_window_seconds: null,
    duplicate_action: null,
    ...over,
  });
  const now = new Date('2026-11-10T12:00:00Z');
  const earlier = { id: 77, started_at: new Date('2026-11-10T10:00:00Z'), link_id: 2, client_id: 20 };
  const run = (rule: any, links: any[], e = earlier) => {
    const trace: any[] = [];
    const v = applyCallerRules({
      caller: NY,
      campaignFilter: null,
      rule,
      links,
      earlier: e,
      now,
      trace,
      step: 'route',
    });
    return { ...v, ids: v.links.map((l) => l.id), trace };
  };
  // two hours ago, within a day: no payout from any buyer
  const a = run({ window_seconds: 86400, action: 'no_payout' }, [link(1), link(2)]);
  assert.deepEqual([a.ids, a.unpaid, a.repeatOf], [[1, 2], [1, 2], 77]);
  assert.match(
    a.trace.at(-1).detail,
    /repeat caller \(call 77, 2 h ago, answered by link 2\); no payout from links 1, 2/,
  );
  // outside a one-hour window: a new caller
  const b = run({ window_seconds: 3600, action: 'reject' }, [link(1), link(2)]);
  assert.deepEqual([b.ids, b.unpaid, b.repeatOf, b.reject], [[1, 2], [], null, undefined]);
  // the campaign rejects repeats
  const c = run({ window_seconds: 86400, action: 'reject' }, [link(1)]);
  assert.deepEqual([c.ids, c.reject], [[], 'duplicate_caller']);
  // the first buyer first; link 1 pays for repeats whatever the campaign says
  const d = run({ window_seconds: 86400, action: 'first_buyer' }, [
    link(1, { duplicate_action: 'no_payout' }),
    link(2),
    link(3),
  ]);
  assert.deepEqual([d.ids, d.first, d.unpaid], [[2, 1, 3], 2, [1]]);
  // no campaign rule, but buyer 3 looks back a week and takes no repeats; buyer 1 pays
  const e = run({ window_seconds: null, action: 'no_payout' }, [
    link(1),
    link(3, { duplicate_window_seconds: 604800, duplicate_action: 'reject' }),
  ]);
  assert.deepEqual([e.ids, e.unpaid, e.repeatOf], [[1], [], 77]);
  assert.equal(e.trace.find((t) => t.link_id === 3).reason, 'repeat_caller');
  // every buyer refuses repeats: rejected as a duplicate
  const f = run({ window_seconds: 86400, action: 'no_payout' }, [link(1, { duplicate_action: 'reject' })]);
  assert.equal(f.reject, 'duplicate_caller');
  // a link whose filter refuses the caller is passed over, and if none is left: caller_blocked
  const g = run(
    { window_seconds: null, action: 'no_payout' },
    [link(1, { caller_filter: { block_areas: ['NY'] } })],
    undefined as any,
  );
  assert.deepEqual([g.ids, g.reject], [[], 'caller_blocked']);
});

for (const kind of backends()) {
  describe(`caller rules in routing on ${kind}`, () => {
    let t: TestServices;
    let c: ReturnType<typeof callFlow>;
    before(async () => {
      t = await startServices(kind);
      c = callFlow(t.s);
    });
    after(() => t.close());
    // calls a minute apart, as callers call again
    const route = (id: string, did: string, caller: string | undefined) => {
      t.clock.advance(60_000);
      return c.route(id, did, caller);
    };

    const calls = (id: number) =>
      t.db.query<any>('SELECT billable, payout::text AS payout, repeat_of, trace FROM calls WHERE id = $1', [
        id,
      ]);

    test('the same caller twice is paid once: the repeat converts for nobody, and says why', async () => {
      const sc = await scenario(t.s, {
        campaign: { duplicate_window_seconds: 86400, duplicate_action: 'no_payout' },
        links: [{ payout: '10', min_billable_duration: 30 }],
      });
      const one = call();
      await route(one, sc.did, NY);
      const first = await c.end(one, 'ANSWER', { billsec: 120 });
      const two = call();
      await route(two, sc.did, NY);
      const second = await c.end(two, 'ANSWER', { billsec: 120 });
      const a = (await calls(first.callId!)).rows[0];
      const b = (await calls(second.callId!)).rows[0];
      assert.deepEqual([a.billable, a.payout, b.billable, b.payout], [true, '10.0000', false, '0.0000']);
      assert.equal(Number(b.repeat_of), first.callId);
      assert.ok(
        b.trace.some((e: any) => e.reason === 'repeat_caller' && /no payout/.test(e.detail)),
        JSON.stringify(b.trace),
      );
      // another caller is paid
      const three = call();
      await route(three, sc.did, TX);
      const third = await c.end(three, 'ANSWER', { billsec: 120 });
      assert.equal((await calls(third.callId!)).rows[0].payout, '10.0000');
      // the link counted one converted call, not two (conversion caps count what is paid for)
      const link = await t.db.query<any>(
        'SELECT current_total_calls FROM campaign_client_settings WHERE id = $1',
        [sc.links[0]],
      );
      assert.equal(link.rows[0].current_total_calls, 2);
    });

    test('a repeat caller goes back to the buyer that answered them, and failover keeps the rule', async () => {
      const sc = await scenario(t.s, {
        campaign: { duplicate_window_seconds: 3600, duplicate_action: 'first_buyer' },
        links: [
          { forwarding_priority: 1, payout: '5' },
          { forwarding_priority: 2, payout: '7', duplicate_action: 'no_payout' },
        ],
      });
      const one = call();
      await route(one, sc.did, NY);
      await c.next(one, 'BUSY'); // link 0 busy: link 1 answers
      const first = await c.end(one, 'ANSWER', { billsec: 60 });
      assert.equal((await calls(first.callId!)).rows[0].payout, '7.0000');
      const two = call();
      const d = await route(two, sc.did, NY);
      assert.equal(d.action === 'dial' && d.linkId, sc.links[1], 'the buyer that answered first');
      const second = await c.end(two, 'ANSWER', { billsec: 60 });
      // link 1 pays nothing for repeats (its own override of the campaign's first_buyer)
      assert.equal((await calls(second.callId!)).rows[0].payout, '0.0000');
      // a repeat that fails over to link 0 is paid by link 0
      const three = call();
      await route(three, sc.did, NY);
      const f = await c.next(three, 'NOANSWER');
      assert.equal(f.action === 'dial' && f.linkId, sc.links[0]);
      const third = await c.end(three, 'ANSWER', { billsec: 60 });
      assert.equal((await calls(third.callId!)).rows[0].payout, '5.0000');
    });

    test('a campaign that rejects repeats, and filters refusing callers: reasons in the answer and the trace', async () => {
      const sc = await scenario(t.s, {
        campaign: {
          duplicate_window_seconds: 600,
          duplicate_action: 'reject',
          caller_filter: { block_areas: ['TX'], block_anonymous: true },
        },
        links: [{ caller_filter: { block_numbers: ['+1305*'] } }, { forwarding_priority: 2 }],
      });
      const one = call();
      await route(one, sc.did, NY);
      await c.end(one, 'ANSWER', { billsec: 10 });
      const again = await route(call(), sc.did, NY);
      assert.equal(reason(again), 'duplicate_caller');
      const tx = await route(call(), sc.did, TX);
      assert.equal(reason(tx), 'caller_blocked');
      const trace = (await calls(tx.callId!)).rows[0].trace;
      assert.ok(
        trace.some((e: any) => e.detail === 'campaign: area code 512 (US-TX) is blocked (TX)'),
        JSON.stringify(trace),
      );
      assert.equal(reason(await route(call(), sc.did, undefined)), 'caller_blocked');
      // link 0 refuses +1305 callers: link 1 takes it, and the trace says why link 0 was passed over
      const fl = await route(call(), sc.did, '+13055550104');
      assert.equal(fl.action === 'dial' && fl.linkId, sc.links[1]);
      const tr = (await calls(fl.callId!)).rows[0].trace;
      assert.ok(
        tr.some((e: any) => e.reason === 'caller_filter' && e.link_id === sc.links[0]),
        JSON.stringify(tr),
      );
      // after the window, the NY caller is new again
      t.clock.advance(601_000);
      assert.equal((await route(call(), sc.did, NY)).action, 'dial');
    });

    test('bad filters are refused by the API with every problem named', async () => {
      const sc = await scenario(t.s, { links: [{}] });
      await assert.rejects(
        t.s.campaigns.update(sc.seller, sc.campaignId, { caller_filter: { block_areas: ['Texas'] } }),
        /caller_filter: "TEXAS" is neither an area code/,
      );
      await assert.rejects(
        t.s.links.update(sc.seller, sc.links[0]!, { caller_filter: { block_numbers: ['555'] } }),
        /"555" is neither an E.164 number/,
      );
      const saved = await t.s.campaigns.update(sc.seller, sc.campaignId, {
        caller_filter: { allow_areas: ['ny', '512'] },
      });
      assert.deepEqual(saved.caller_filter, { allow_areas: ['NY', '512'] });
    });
  });
}
