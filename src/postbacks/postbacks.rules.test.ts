import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decide, parsePostback, type PostbackCall } from './postbacks.rules.js';

const call = (over: Partial<PostbackCall> = {}): PostbackCall => ({
  id: 7,
  state: 'ended',
  client_id: 3,
  billable: true,
  payout: '2.5000',
  deal_payout: '2.5000',
  ...over,
});

test('a reverse makes the call not converted with payout 0; again, it changes nothing', () => {
  assert.deepEqual(decide(call(), 3, 'reverse', null), { kind: 'apply', billable: false, payout: '0.0000' });
  assert.deepEqual(decide(call({ billable: false, payout: '0.0000' }), 3, 'reverse', null), {
    kind: 'unchanged',
  });
});

test('a confirm keeps the call’s payout, takes the deal’s on a call that had not converted, or sets the amount', () => {
  assert.deepEqual(decide(call(), 3, 'confirm', null), { kind: 'unchanged' });
  assert.deepEqual(decide(call({ billable: false, payout: '0.0000' }), 3, 'confirm', null), {
    kind: 'apply',
    billable: true,
    payout: '2.5000',
  });
  assert.deepEqual(decide(call(), 3, 'confirm', '3.7500'), {
    kind: 'apply',
    billable: true,
    payout: '3.7500',
  });
  assert.deepEqual(decide(call(), 3, 'confirm', '2.5000'), { kind: 'unchanged' });
  // converted but paying 0 (a 0 payout link): confirming at 0 changes nothing
  assert.deepEqual(decide(call({ payout: '0.0000', deal_payout: '0.0000' }), 3, 'confirm', null), {
    kind: 'unchanged',
  });
});

test('only an ended call answered by this buyer changes', () => {
  const reasons = (c: PostbackCall) => {
    const d = decide(c, 3, 'confirm', null);
    return d.kind === 'refuse' ? d.reason : d.kind;
  };
  assert.equal(reasons(call({ state: 'dialing' })), 'call_in_progress');
  assert.equal(reasons(call({ state: 'exhausted' })), 'call_in_progress');
  assert.equal(reasons(call({ state: 'expired' })), 'call_expired');
  assert.equal(reasons(call({ client_id: 4 })), 'not_answered_by_buyer');
  assert.equal(reasons(call({ client_id: null })), 'not_answered_by_buyer');
});

test('the parameters: one way to name the call, an amount for a confirm only, times as unix or ISO 8601', () => {
  const base = { key_id: 'pbk_x', ts: '1796414400', nonce: 'n-123456', sig: 'ab' };
  assert.deepEqual(
    parsePostback({ ...base, action: 'confirm', call_id: '42', amount: '12.5' }, 'US').amount,
    '12.5000',
  );
  assert.deepEqual(
    parsePostback({ ...base, action: 'reverse', caller: '(415) 555-0123', at: '1796414400' }, 'US').ref,
    {
      by: 'caller',
      caller: '+14155550123',
      at: new Date('2026-12-04T20:00:00Z'),
    },
  );
  assert.equal(
    (
      parsePostback(
        { ...base, action: 'reverse', caller: '+14155550123', at: '2026-12-04T15:00:00-05:00' },
        'US',
      ).ref as {
        at: Date;
      }
    ).at.toISOString(),
    '2026-12-04T20:00:00.000Z',
  );
  const refused = (p: Record<string, string>) => assert.throws(() => parsePostback({ ...base, ...p }, 'US'));
  refused({ action: 'reverse', call_id: '42', amount: '1' });
  refused({ action: 'confirm', call_id: '0' });
  refused({ action: 'confirm', call_id: '42', uniqueid: 'u' });
  refused({ action: 'confirm' });
  refused({ action: 'confirm', caller: '+14155550123', at: 'yesterday' });
  refused({ action: 'confirm', caller: '+14155550123', at: '2026-12-04T20:00:00' }); // no offset
  refused({ action: 'confirm', caller: 'not a number', at: '1796414400' });
});
