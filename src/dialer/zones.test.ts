import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { NANP_AREA_CODES, OVERLAY_OF } from '../callerid/nanp.js';
import { isValidTimezone } from '../shared/hours.js';
import { ianaZone as dialerZone } from '../shared/timezones.js';
import { REGION_ZONES, SPLIT_AREA_CODES, leadZones, regionOfPostalCode } from './zones.js';

const NY = 'America/New_York';
const CHI = 'America/Chicago';
const DEN = 'America/Denver';
const LA = 'America/Los_Angeles';

const offsetFormats = new Map<string, Intl.DateTimeFormat>();
/** The zone's UTC offset at instant t, e.g. 'GMT-05:00'. */
function offset(t: number, timeZone: string): string | undefined {
  let fmt = offsetFormats.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
    offsetFormats.set(timeZone, fmt);
  }
  return fmt.format(t).split(' ').pop();
}

describe('leadZones', () => {
  test('a valid time-zone column wins over ZIP, state and number; the place still comes from them', () => {
    const z = leadZones({ phone: '+12125550100', state: 'TX', zip: '75201', timeZone: 'America/Phoenix' });

    assert.deepEqual(z, { country: 'US', region: 'TX', timeZones: ['America/Phoenix'], source: 'column' });
  });

  test('an invalid or PostgreSQL-ambiguous column is ignored', () => {
    for (const timeZone of ['Mars/Olympus', 'CET', 'EST', '+05:00', '']) {
      const z = leadZones({ phone: '+12125550100', timeZone });
      assert.deepEqual(z, { country: 'US', region: 'NY', timeZones: [NY], source: 'number' }, timeZone);
    }
  });

  test('a ZIP gives its state and every zone of the state, before the state column', () => {
    assert.deepEqual(leadZones({ phone: '+12125550100', state: 'NY', zip: '77002' }), {
      country: 'US',
      region: 'TX',
      timeZones: [CHI, DEN],
      source: 'zip',
    });
    assert.deepEqual(leadZones({ phone: '+12125550100', zip: '02108-1234' }).timeZones, [NY]);
  });

  test('a Canadian postal code gives its province', () => {
    assert.deepEqual(leadZones({ phone: '+12125550100', zip: 'm5v 3l9' }), {
      country: 'CA',
      region: 'ON',
      timeZones: ['America/Toronto', 'America/Winnipeg', 'America/Atikokan'],
      source: 'zip',
    });
  });

  test('an unknown ZIP falls back to the state, an unknown state to the number', () => {
    assert.equal(leadZones({ phone: '+12125550100', zip: '09012', state: 'fl' }).source, 'state');
    assert.deepEqual(leadZones({ phone: '+12125550100', state: 'Texas' }), {
      country: 'US',
      region: 'NY',
      timeZones: [NY],
      source: 'number',
    });
  });

  test('states that span zones give all of them', () => {
    const cases: [string, string[]][] = [
      ['TX', [CHI, DEN]],
      ['FL', [NY, CHI]],
      ['AK', ['America/Anchorage', 'America/Adak']],
      ['AZ', ['America/Phoenix', DEN]],
      ['IN', ['America/Indiana/Indianapolis', CHI]],
      ['OR', [LA, 'America/Boise']],
      ['ON', ['America/Toronto', 'America/Winnipeg', 'America/Atikokan']],
      ['CA', [LA]],
      ['PR', ['America/Puerto_Rico']],
    ];
    for (const [state, zones] of cases) {
      assert.deepEqual(leadZones({ phone: '+12125550100', state }).timeZones, zones, state);
    }
  });

  test('an area code that spans zones gives them all, its table zone first', () => {
    assert.deepEqual(leadZones({ phone: '+18505550100' }).timeZones, [CHI, NY]);
    assert.deepEqual(leadZones({ phone: '+19075550100' }).timeZones, ['America/Anchorage', 'America/Adak']);
    assert.deepEqual(leadZones({ phone: '+19155550100' }).timeZones, [DEN]); // El Paso: Mountain only
  });

  test('an overlay of a split area code spans the same zones (778 overlays 604 and 250)', () => {
    assert.deepEqual(SPLIT_AREA_CODES.get('778'), SPLIT_AREA_CODES.get('250'));
    assert.deepEqual(leadZones({ phone: '+17785550100' }), {
      country: 'CA',
      region: 'BC',
      timeZones: ['America/Vancouver', 'America/Edmonton', 'America/Dawson_Creek'],
      source: 'number',
    });
  });

  test('a number abroad gets its country’s zone when the country keeps one time', () => {
    assert.deepEqual(leadZones({ phone: '+442079460958' }), {
      country: 'GB',
      region: null,
      timeZones: ['Europe/London'],
      source: 'number',
    });
    assert.deepEqual(leadZones({ phone: '+919876543210' }).timeZones, ['Asia/Kolkata']);
    assert.deepEqual(leadZones({ phone: '+4930901820' }).timeZones, ['Europe/Berlin']);
  });

  test('a country with several times, or a non-geographic +1 number, is unknown', () => {
    assert.deepEqual(leadZones({ phone: '+61291234567' }), {
      country: 'AU',
      region: null,
      timeZones: [],
      source: null,
    });
    assert.deepEqual(leadZones({ phone: '+18005550100' }).timeZones, []);
    assert.equal(leadZones({ phone: '+18005550100' }).source, null);
  });
});

describe('zone tables', () => {
  test('every zone named is one Intl knows and dialerZone accepts', () => {
    const zones = [...new Set([...REGION_ZONES.values(), ...SPLIT_AREA_CODES.values()].flat())];
    assert.deepEqual(
      zones.filter((z) => !isValidTimezone(z) || dialerZone(z) === null),
      [],
    );
  });

  test('a split area code lists nanp.ts’s zone for it first, and its overlays are split too', () => {
    for (const [code, zones] of SPLIT_AREA_CODES) {
      assert.equal(zones[0], NANP_AREA_CODES.get(code)?.timezone, code);
      assert.ok(zones.length > 1, code);
    }
    for (const [code, bases] of OVERLAY_OF) {
      if (bases.some((b) => SPLIT_AREA_CODES.has(b))) assert.ok(SPLIT_AREA_CODES.has(code), code);
    }
  });

  test('every region of nanp.ts has its zones, and they include its area codes’ zones', () => {
    // 502 names Louisville's zone; Kentucky lists America/New_York, which keeps the same time.
    const sameAs = (z: string) => (z === 'America/Kentucky/Louisville' ? NY : z);
    const missing: string[] = [];
    for (const info of NANP_AREA_CODES.values()) {
      if (!['US', 'CA', 'PR', 'VI', 'GU', 'MP', 'AS'].includes(info.country)) continue;
      const zones = REGION_ZONES.get(`${info.country}:${info.region}`) ?? [];
      // 867 also serves YT and NU.
      const own =
        info.areaCode === '867' ? [info.timezone] : (SPLIT_AREA_CODES.get(info.areaCode) ?? [info.timezone]);
      for (const z of own)
        if (!zones.includes(sameAs(z))) missing.push(`${info.areaCode} ${info.region} ${z}`);
    }
    assert.deepEqual(missing, []);
    for (let t = Date.UTC(2026, 0, 1); t < Date.UTC(2027, 0, 1); t += 3_600_000) {
      assert.equal(offset(t, 'America/Kentucky/Louisville'), offset(t, NY));
    }
  });

  test('ZIP prefixes map to their states', () => {
    const cases: [string, string | undefined][] = [
      ['01001', 'MA'],
      ['05501', 'MA'],
      ['00901', 'PR'],
      ['00802', 'VI'],
      ['10001', 'NY'],
      ['20500', 'DC'],
      ['22201', 'VA'],
      ['33101', 'FL'],
      ['34001', undefined], // military (AA)
      ['73301', 'TX'],
      ['79901', 'TX'],
      ['88510', 'TX'],
      ['89883', 'NV'],
      ['96799', 'AS'],
      ['96813', 'HI'],
      ['96910', 'GU'],
      ['96950', 'MP'],
      ['99501', 'AK'],
      ['1234', undefined],
      ['X0A 0H0', 'NU'],
      ['X1A 2P6', 'NT'],
      ['H2X1Y4', 'QC'],
    ];
    for (const [zip, region] of cases) assert.equal(regionOfPostalCode(zip), region, zip);
  });

  test('dialerZone keeps Area/Location names and UTC and refuses what PostgreSQL reads otherwise', () => {
    assert.equal(dialerZone(' america/new_york '), NY);
    assert.equal(dialerZone('Asia/Kolkata'), 'Asia/Kolkata');
    assert.equal(dialerZone('UTC'), 'UTC');
    assert.equal(dialerZone('CET'), null);
    assert.equal(dialerZone('-03:00'), null);
    assert.equal(dialerZone('Nowhere/Special'), null);
  });
});
