import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ianaZone, wholeHourZone, zoneChoices } from './timezones.js';

test('the picker offers UTC first, then Area/Location zones by their current names', () => {
  const zones = zoneChoices();
  assert.equal(zones[0], 'UTC');
  assert.ok(zones.length > 300, `${zones.length} zones`);
  assert.ok(zones.includes('America/New_York') && zones.includes('Asia/Kolkata'));
  assert.ok(!zones.includes('Asia/Calcutta'), 'renamed zones under their current name');
  assert.deepEqual(
    zones.filter((z) => ianaZone(z) === null),
    [],
    'every choice passes the API',
  );
  assert.deepEqual(zones.slice(1), [...zones.slice(1)].sort());
});

test('ianaZone takes Area/Location names and UTC, and refuses abbreviations and offsets', () => {
  assert.equal(ianaZone(' america/new_york '), 'America/New_York');
  assert.equal(ianaZone('UTC'), 'UTC');
  assert.equal(ianaZone('Asia/Kolkata'), 'Asia/Kolkata');
  for (const bad of ['EST', 'CET', 'EST5EDT', '-03:00', 'Mars/Olympus', '', 'America/'])
    assert.equal(ianaZone(bad), null, bad);
});

test('a zone is whole-hour over a period when no fractional offset is in force in it', () => {
  assert.equal(wholeHourZone('UTC', '2026-01-01', '2026-12-31'), true);
  assert.equal(wholeHourZone('America/New_York', '2026-03-01', '2026-11-30'), true);
  assert.equal(wholeHourZone('Asia/Kolkata', '2026-11-01', '2026-11-30'), false);
  assert.equal(wholeHourZone('Asia/Kathmandu', '2026-11-05', '2026-11-05'), false);
  // Lord Howe Island: +11 in the southern summer, +10:30 in winter
  assert.equal(wholeHourZone('Australia/Lord_Howe', '2026-01-05', '2026-01-20'), true);
  assert.equal(wholeHourZone('Australia/Lord_Howe', '2026-01-05', '2026-07-20'), false);
});
