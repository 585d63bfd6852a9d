import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  AREA_CODE_TABLE,
  NANP_AREA_CODES,
  NON_GEOGRAPHIC,
  OVERLAY_OF,
  SHARED_REGIONS,
  areaCodeInfo,
  areaCodesForRegion,
  nanpInfo,
  parseAreaCodeTable,
} from './nanp.js';

const NY = 'America/New_York';
const CHI = 'America/Chicago';
const DEN = 'America/Denver';
const LA = 'America/Los_Angeles';

// [area code, region, country, time zone]
const WELL_KNOWN: readonly (readonly [string, string, string, string])[] = [
  ['201', 'NJ', 'US', NY],
  ['202', 'DC', 'US', NY],
  ['203', 'CT', 'US', NY],
  ['205', 'AL', 'US', CHI],
  ['206', 'WA', 'US', LA],
  ['207', 'ME', 'US', NY],
  ['208', 'ID', 'US', 'America/Boise'],
  ['210', 'TX', 'US', CHI],
  ['212', 'NY', 'US', NY],
  ['213', 'CA', 'US', LA],
  ['214', 'TX', 'US', CHI],
  ['215', 'PA', 'US', NY],
  ['225', 'LA', 'US', CHI],
  ['301', 'MD', 'US', NY],
  ['302', 'DE', 'US', NY],
  ['303', 'CO', 'US', DEN],
  ['304', 'WV', 'US', NY],
  ['305', 'FL', 'US', NY],
  ['307', 'WY', 'US', DEN],
  ['312', 'IL', 'US', CHI],
  ['313', 'MI', 'US', 'America/Detroit'],
  ['314', 'MO', 'US', CHI],
  ['317', 'IN', 'US', 'America/Indiana/Indianapolis'],
  ['319', 'IA', 'US', CHI],
  ['401', 'RI', 'US', NY],
  ['402', 'NE', 'US', CHI],
  ['404', 'GA', 'US', NY],
  ['405', 'OK', 'US', CHI],
  ['406', 'MT', 'US', DEN],
  ['414', 'WI', 'US', CHI],
  ['415', 'CA', 'US', LA],
  ['501', 'AR', 'US', CHI],
  ['502', 'KY', 'US', 'America/Kentucky/Louisville'],
  ['503', 'OR', 'US', LA],
  ['504', 'LA', 'US', CHI],
  ['505', 'NM', 'US', DEN],
  ['512', 'TX', 'US', CHI],
  ['601', 'MS', 'US', CHI],
  ['602', 'AZ', 'US', 'America/Phoenix'],
  ['603', 'NH', 'US', NY],
  ['605', 'SD', 'US', CHI],
  ['612', 'MN', 'US', CHI],
  ['615', 'TN', 'US', CHI],
  ['617', 'MA', 'US', NY],
  ['701', 'ND', 'US', CHI],
  ['702', 'NV', 'US', LA],
  ['704', 'NC', 'US', NY],
  ['713', 'TX', 'US', CHI],
  ['718', 'NY', 'US', NY],
  ['801', 'UT', 'US', DEN],
  ['802', 'VT', 'US', NY],
  ['803', 'SC', 'US', NY],
  ['804', 'VA', 'US', NY],
  ['808', 'HI', 'US', 'Pacific/Honolulu'],
  ['850', 'FL', 'US', CHI],
  ['865', 'TN', 'US', NY],
  ['907', 'AK', 'US', 'America/Anchorage'],
  ['915', 'TX', 'US', DEN],
  ['916', 'CA', 'US', LA],
  // US territories
  ['340', 'VI', 'VI', 'America/St_Thomas'],
  ['670', 'MP', 'MP', 'Pacific/Saipan'],
  ['671', 'GU', 'GU', 'Pacific/Guam'],
  ['684', 'AS', 'AS', 'Pacific/Pago_Pago'],
  ['787', 'PR', 'PR', 'America/Puerto_Rico'],
  ['939', 'PR', 'PR', 'America/Puerto_Rico'],
  // Canada
  ['204', 'MB', 'CA', 'America/Winnipeg'],
  ['306', 'SK', 'CA', 'America/Regina'],
  ['403', 'AB', 'CA', 'America/Edmonton'],
  ['416', 'ON', 'CA', 'America/Toronto'],
  ['418', 'QC', 'CA', 'America/Toronto'],
  ['506', 'NB', 'CA', 'America/Moncton'],
  ['514', 'QC', 'CA', 'America/Toronto'],
  ['604', 'BC', 'CA', 'America/Vancouver'],
  ['613', 'ON', 'CA', 'America/Toronto'],
  ['709', 'NL', 'CA', 'America/St_Johns'],
  ['780', 'AB', 'CA', 'America/Edmonton'],
  ['867', 'NT', 'CA', 'America/Edmonton'],
  ['902', 'NS', 'CA', 'America/Halifax'],
  // Other NANP members
  ['242', 'BS', 'BS', 'America/Nassau'],
  ['246', 'BB', 'BB', 'America/Barbados'],
  ['345', 'KY', 'KY', 'America/Cayman'],
  ['441', 'BM', 'BM', 'Atlantic/Bermuda'],
  ['664', 'MS', 'MS', 'America/Montserrat'],
  ['809', 'DO', 'DO', 'America/Santo_Domingo'],
  ['868', 'TT', 'TT', 'America/Port_of_Spain'],
  ['876', 'JM', 'JM', 'America/Jamaica'],
];

// Overlays that entered service from 2020 on: [overlay, region, country, one base code]
const RECENT_OVERLAYS: readonly (readonly [string, string, string, string])[] = [
  ['283', 'OH', 'US', '513'],
  ['326', 'OH', 'US', '937'],
  ['447', 'IL', 'US', '217'],
  ['464', 'IL', 'US', '708'],
  ['465', 'NY', 'US', '718'],
  ['471', 'MS', 'US', '662'],
  ['483', 'AL', 'US', '334'],
  ['582', 'PA', 'US', '814'],
  ['621', 'TX', 'US', '713'],
  ['624', 'NY', 'US', '716'],
  ['645', 'FL', 'US', '305'],
  ['679', 'MI', 'US', '313'],
  ['680', 'NY', 'US', '315'],
  ['728', 'FL', 'US', '561'],
  ['742', 'ON', 'CA', '905'],
  ['826', 'VA', 'US', '540'],
  ['835', 'PA', 'US', '610'],
  ['839', 'SC', 'US', '803'],
  ['861', 'IL', 'US', '309'],
  ['942', 'ON', 'CA', '416'],
  ['943', 'GA', 'US', '404'],
  ['945', 'TX', 'US', '214'],
];

const US_STATES_AND_DC = (
  'AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH ' +
  'OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY'
).split(' ');
const CANADIAN_PROVINCES_AND_TERRITORIES = 'AB BC MB NB NL NS NT NU ON PE QC SK YT'.split(' ');

test('well-known area codes map to their region, country and time zone', () => {
  assert.ok(new Set(WELL_KNOWN.map(([code]) => code)).size >= 60);
  for (const [areaCode, region, country, timezone] of WELL_KNOWN) {
    assert.deepEqual(areaCodeInfo(areaCode), { areaCode, region, country, timezone }, areaCode);
  }
});

test('recent overlays are present and overlay the expected code', () => {
  for (const [areaCode, region, country, base] of RECENT_OVERLAYS) {
    const info = areaCodeInfo(areaCode);
    assert.ok(info, `${areaCode} is missing`);
    assert.equal(info.region, region, areaCode);
    assert.equal(info.country, country, areaCode);
    assert.ok(OVERLAY_OF.get(areaCode)?.includes(base), `${areaCode} should overlay ${base}`);
  }
});

test('every time zone is a valid IANA zone', () => {
  const zones = new Set([...NANP_AREA_CODES.values()].map((info) => info.timezone));
  for (const timeZone of zones) {
    assert.doesNotThrow(() => new Intl.DateTimeFormat('en-US', { timeZone }), timeZone);
  }
});

test('the table has no duplicates and every entry is well-formed', () => {
  const dataLines = AREA_CODE_TABLE.split('\n').filter((line) => line.replace(/#.*/, '').trim() !== '');
  assert.equal(NANP_AREA_CODES.size, dataLines.length);
  assert.throws(
    () => parseAreaCodeTable('212 NY US America/New_York\n212 NY US America/New_York\n'),
    /repeats area code 212/,
  );
  assert.throws(() => parseAreaCodeTable('21 NY US America/New_York\n'), /malformed/);
  for (const [key, info] of NANP_AREA_CODES) {
    assert.equal(info.areaCode, key);
    assert.match(key, /^[2-9]\d{2}$/);
    assert.match(info.region, /^[A-Z]{2}$/);
    assert.match(info.country, /^[A-Z]{2}$/);
    assert.ok(!NON_GEOGRAPHIC.has(key), `${key} is both geographic and non-geographic`);
  }
  // Sizes as of the data date; a change here should be a deliberate data update.
  const perCountry = new Map<string, number>();
  for (const { country } of NANP_AREA_CODES.values())
    perCountry.set(country, (perCountry.get(country) ?? 0) + 1);
  assert.equal(perCountry.get('US'), 372);
  assert.equal(perCountry.get('CA'), 55);
  assert.equal(NANP_AREA_CODES.size, 454);
});

test('every US state, DC, Canadian province and territory has at least one area code', () => {
  for (const state of US_STATES_AND_DC) {
    assert.ok(areaCodesForRegion('US', state).length > 0, state);
  }
  for (const province of CANADIAN_PROVINCES_AND_TERRITORIES) {
    assert.ok(areaCodesForRegion('CA', province).length > 0, province);
  }
  assert.deepEqual(areaCodesForRegion('CA', 'PE'), ['782', '902']);
  assert.deepEqual(areaCodesForRegion('CA', 'YT'), ['867']);
  assert.deepEqual(areaCodesForRegion('US', 'KY'), ['270', '364', '502', '606', '859']);
  assert.deepEqual(areaCodesForRegion('KY', 'KY'), ['345']);
  const usRegions = new Set(
    [...NANP_AREA_CODES.values()].filter((info) => info.country === 'US').map((info) => info.region),
  );
  assert.deepEqual([...usRegions].sort(), [...US_STATES_AND_DC].sort());
  for (const code of SHARED_REGIONS.keys()) assert.equal(areaCodeInfo(code)?.country, 'CA', code);
});

test('overlays share the region, country and time zone of the code they overlay', () => {
  assert.ok(OVERLAY_OF.size > 100);
  for (const [overlay, bases] of OVERLAY_OF) {
    const info = areaCodeInfo(overlay);
    assert.ok(info, overlay);
    assert.ok(bases.length > 0, overlay);
    for (const base of bases) {
      const baseInfo = areaCodeInfo(base);
      assert.ok(baseInfo, `${overlay} overlays unknown code ${base}`);
      assert.equal(info.region, baseInfo.region, `${overlay} vs ${base}`);
      assert.equal(info.country, baseInfo.country, `${overlay} vs ${base}`);
      assert.equal(info.timezone, baseInfo.timezone, `${overlay} vs ${base}`);
      assert.ok(!OVERLAY_OF.has(base), `${overlay} should name the original code, not overlay ${base}`);
    }
  }
  assert.deepEqual(OVERLAY_OF.get('917'), ['212', '718']);
  assert.equal(OVERLAY_OF.has('212'), false);
});

test('toll-free, premium and other non-geographic codes are listed separately', () => {
  for (const code of [
    '800',
    '833',
    '844',
    '855',
    '866',
    '877',
    '888',
    '900',
    '500',
    '533',
    '600',
    '700',
    '911',
  ]) {
    assert.ok(NON_GEOGRAPHIC.has(code), code);
    assert.equal(areaCodeInfo(code), undefined, code);
    assert.equal(NANP_AREA_CODES.has(code), false, code);
  }
  assert.equal(NON_GEOGRAPHIC.get('800'), 'Toll-free');
  assert.equal(NON_GEOGRAPHIC.get('900'), 'Premium-rate services');
  for (const description of NON_GEOGRAPHIC.values()) assert.ok(description.length > 0);
});

test('planned codes not yet in service are left out', () => {
  for (const code of ['273', '565', '761', '387']) assert.equal(areaCodeInfo(code), undefined, code);
});

test('nanpInfo reads the area code of a +1 E.164 number', () => {
  assert.deepEqual(nanpInfo('+12125550100'), {
    areaCode: '212',
    region: 'NY',
    country: 'US',
    timezone: 'America/New_York',
  });
  assert.equal(nanpInfo('+14165550199')?.region, 'ON');
  assert.equal(nanpInfo('+18765550100')?.country, 'JM');
  assert.equal(nanpInfo('+18005550100'), undefined);
  assert.equal(nanpInfo('+19005550100'), undefined);
  assert.equal(nanpInfo('+442079460958'), undefined);
  assert.equal(nanpInfo('12125550100'), undefined);
  assert.equal(nanpInfo('+1212555010'), undefined);
  assert.equal(nanpInfo('+121255501000'), undefined);
  assert.equal(nanpInfo('+12121550100'), undefined);
  assert.equal(nanpInfo('+1 212 555 0100'), undefined);
  assert.equal(nanpInfo(''), undefined);
});
