import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertValidHours, isOpen, isValidTimezone, localTime } from './hours.js';

const weekdays9to5 = {
  mon: [{ start: '09:00', end: '17:00' }],
  fri: [
    { start: '09:00', end: '12:00' },
    { start: '13:00', end: '24:00' },
  ],
};

test('open inside an interval, closed at its end and on missing days', () => {
  // Monday 2026-11-23 14:30 UTC = 09:30 in New York
  assert.equal(isOpen(weekdays9to5, 'America/New_York', new Date('2026-11-23T14:30:00Z')), true);
  assert.equal(isOpen(weekdays9to5, 'America/New_York', new Date('2026-11-23T22:00:00Z')), false);
  assert.equal(isOpen(weekdays9to5, 'America/New_York', new Date('2026-11-24T15:00:00Z')), false);
  assert.equal(isOpen(null, 'UTC', new Date()), true);
});

test('the weekday is the one in the time zone, not in UTC', () => {
  // Tuesday 03:00 UTC is still Monday 22:00 in New York (EST, UTC-5)
  assert.deepEqual(localTime(new Date('2026-11-24T03:00:00Z'), 'America/New_York'), {
    day: 'mon',
    minute: 22 * 60,
  });
  // Friday 23:30 local: the "until 24:00" interval covers it
  assert.equal(isOpen(weekdays9to5, 'America/New_York', new Date('2026-11-28T04:30:00Z')), true);
});

test('daylight saving time moves the UTC hours, not the local ones', () => {
  // 09:30 New York in July is 13:30 UTC (EDT), in November 14:30 UTC (EST)
  const monJuly = new Date('2026-07-06T13:30:00Z');
  assert.equal(isOpen(weekdays9to5, 'America/New_York', monJuly), true);
  assert.equal(isOpen(weekdays9to5, 'America/New_York', new Date('2026-07-06T12:30:00Z')), false);
});

test('intervals that end before they start or overlap are refused', () => {
  assert.throws(() => assertValidHours({ mon: [{ start: '10:00', end: '09:00' }] }, 'h'), /ends before/);
  assert.throws(
    () =>
      assertValidHours(
        {
          tue: [
            { start: '09:00', end: '12:00' },
            { start: '11:00', end: '13:00' },
          ],
        },
        'h',
      ),
    /overlaps/,
  );
  assert.doesNotThrow(() => assertValidHours(weekdays9to5, 'h'));
});

test('time zones are IANA names', () => {
  assert.equal(isValidTimezone('Europe/Paris'), true);
  assert.equal(isValidTimezone('Mars/Olympus'), false);
});
