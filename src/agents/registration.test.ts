import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  decideRegistration,
  isReadyForCalls,
  registrationOfContactStatus,
  registrationOfEndpointState,
  type StoredRegistration,
} from './registration.js';

const NOW = new Date('2026-03-02T10:00:00Z');
const never: StoredRegistration = {
  registration: 'unknown',
  registration_contact: null,
  registration_user_agent: null,
  registration_address: null,
  registration_pbx: null,
  registration_changed_at: null,
};
const onPbx1: StoredRegistration = {
  registration: 'registered',
  registration_contact: 'sip:agent-1001@192.0.2.7:5060',
  registration_user_agent: 'Yealink T54W',
  registration_address: '192.0.2.7:5060',
  registration_pbx: 'pbx1',
  registration_changed_at: new Date('2026-03-02T09:00:00Z'),
};

test("ARI's endpoint states and contact statuses map to a registration", () => {
  assert.equal(registrationOfEndpointState('online'), 'registered');
  assert.equal(registrationOfEndpointState('offline'), 'unregistered');
  assert.equal(registrationOfEndpointState('unknown'), 'unknown');
  assert.equal(registrationOfEndpointState(undefined), 'unknown');
  assert.equal(registrationOfContactStatus('Removed'), 'unregistered');
  for (const s of ['Reachable', 'NonQualified', 'Unreachable'])
    assert.equal(registrationOfContactStatus(s), 'registered');
  assert.equal(registrationOfContactStatus('Unknown'), 'unknown');
});

test('a first registration is stored with its details and when it happened', () => {
  const d = decideRegistration(
    never,
    'registered',
    { pbx: 'pbx1', contact: 'sip:x@192.0.2.7', userAgent: 'Zoiper' },
    NOW,
  );
  assert.ok(d.apply);
  assert.equal(d.lost, false);
  assert.deepEqual(d.next, {
    registration: 'registered',
    registration_contact: 'sip:x@192.0.2.7',
    registration_user_agent: 'Zoiper',
    registration_address: null,
    registration_pbx: 'pbx1',
    registration_changed_at: NOW,
  });
});

test('losing the registration clears the details and is reported as lost', () => {
  const d = decideRegistration(onPbx1, 'unregistered', { pbx: 'pbx1' }, NOW);
  assert.ok(d.apply);
  assert.equal(d.lost, true);
  assert.equal(d.next.registration_contact, null);
  assert.equal(d.next.registration_user_agent, null);
});

test('a stale report, the same report again, and another PBX saying "not here" change nothing', () => {
  assert.deepEqual(
    decideRegistration(onPbx1, 'unregistered', { at: new Date('2026-03-02T08:59:59Z') }, NOW),
    { apply: false, why: 'stale' },
  );
  assert.deepEqual(decideRegistration(onPbx1, 'registered', { pbx: 'pbx1' }, NOW), {
    apply: false,
    why: 'unchanged',
  });
  assert.deepEqual(decideRegistration(onPbx1, 'unregistered', { pbx: 'pbx2' }, NOW), {
    apply: false,
    why: 'other_pbx',
  });
  // The phone moving to another PBX is a change.
  const moved = decideRegistration(onPbx1, 'registered', { pbx: 'pbx2' }, NOW);
  assert.ok(moved.apply && moved.next.registration_pbx === 'pbx2' && !moved.lost);
});

test('only an available agent with a registered phone is ready for a call', () => {
  assert.equal(isReadyForCalls({ status: 'available', registration: 'registered' }), true);
  assert.equal(isReadyForCalls({ status: 'available', registration: 'unknown' }), false);
  assert.equal(isReadyForCalls({ status: 'paused', registration: 'registered' }), false);
});
