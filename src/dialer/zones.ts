/**
 * Where a dialer lead is and every IANA time zone it may be in (docs/dialer.md): the calling window
 * must hold in all of them, so a lead whose state or area code spans zones gets each of them.
 *
 * Zone lists name one zone per distinct current civil-time rule in the area, using the tz zone that
 * covers that area (America/Menominee for Michigan's Central counties); zones whose rules are the same
 * today (the Indiana county zones, Juneau and Anchorage) are represented by one of them.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { NANP_AREA_CODES, OVERLAY_OF, nanpInfo } from '../callerid/nanp.js';
import { ianaZone, RENAMED } from '../shared/timezones.js';

export type ZoneSource = 'column' | 'zip' | 'state' | 'number';

export interface LeadZones {
  country: string | null;
  /** US state or DC, Canadian province or territory, or a US territory's ISO code (as nanp.ts). */
  region: string | null;
  /** Every zone the lead may be in; empty when unknown. */
  timeZones: string[];
  /** Where timeZones came from; null when unknown. */
  source: ZoneSource | null;
}

/**
 * `country regions: zones`, the first zone the one most people of the region live in. US territories
 * are their own country (as in nanp.ts). Atikokan, Blanc-Sablon and Dawson Creek keep standard time
 * all year.
 */
const REGION_TABLE = `
US CT DC DE GA MA MD ME NC NH NJ NY OH PA RI SC VA VT WV: America/New_York
US AL AR IA IL LA MN MO MS OK WI: America/Chicago
US CO MT NM UT WY: America/Denver
US CA WA: America/Los_Angeles
US HI: Pacific/Honolulu
US AK: America/Anchorage America/Adak                # the western Aleutians
US AZ: America/Phoenix America/Denver                # the Navajo Nation keeps DST
US FL: America/New_York America/Chicago              # west of the Apalachicola River
US ID: America/Boise America/Los_Angeles             # the northern panhandle
US IN: America/Indiana/Indianapolis America/Chicago  # the north-west and south-west corners
US KS: America/Chicago America/Denver                # Greeley, Hamilton, Sherman, Wallace
US KY: America/New_York America/Chicago              # the western half
US MI: America/Detroit America/Menominee             # four counties on the Wisconsin line
US ND NE SD TX: America/Chicago America/Denver       # SW ND; NE Panhandle; West River; El Paso
US NV: America/Los_Angeles America/Denver            # West Wendover (DOT rule of 1999)
US OR: America/Los_Angeles America/Boise             # most of Malheur County
US TN: America/Chicago America/New_York              # East Tennessee
AS AS: Pacific/Pago_Pago
GU GU: Pacific/Guam
MP MP: Pacific/Saipan
PR PR: America/Puerto_Rico
VI VI: America/St_Thomas
CA AB NT: America/Edmonton
CA MB: America/Winnipeg
CA NB: America/Moncton
CA NS PE: America/Halifax
CA YT: America/Whitehorse
CA BC: America/Vancouver America/Edmonton America/Dawson_Creek  # East Kootenays; Peace River
CA NL: America/St_Johns America/Goose_Bay            # most of Labrador
CA NU: America/Iqaluit America/Rankin_Inlet America/Cambridge_Bay America/Atikokan
CA ON: America/Toronto America/Winnipeg America/Atikokan  # the north-west
CA QC: America/Toronto America/Halifax America/Blanc-Sablon  # Magdalen Is.; Lower North Shore
CA SK: America/Regina America/Edmonton               # Lloydminster
`;

/**
 * Area codes serving more than one zone, from the comments of nanp.ts's table (its zone, the
 * majority one, first); overlays of these codes are added below.
 */
const SPLIT_TABLE = `
907: America/Anchorage America/Adak
928: America/Phoenix America/Denver
448 850: America/Chicago America/New_York
208 986: America/Boise America/Los_Angeles
219: America/Chicago America/Indiana/Indianapolis  # "nearly all of it" Central: the rest is Eastern
574: America/Indiana/Indianapolis America/Chicago  # Starke County (tz: America/Indiana/Knox)
812 930: America/Indiana/Indianapolis America/Chicago
270 364: America/Chicago America/New_York
606: America/New_York America/Chicago
906: America/Detroit America/Menominee
308 605 620 701 785: America/Chicago America/Denver
775: America/Los_Angeles America/Denver
458 541: America/Los_Angeles America/Boise
423 729: America/New_York America/Chicago
931: America/Chicago America/New_York
250: America/Vancouver America/Edmonton America/Dawson_Creek
709 879: America/St_Johns America/Goose_Bay
807: America/Toronto America/Winnipeg America/Atikokan
367 418 581: America/Toronto America/Halifax America/Blanc-Sablon
306 474 639: America/Regina America/Edmonton
867: America/Edmonton America/Whitehorse America/Iqaluit America/Rankin_Inlet America/Cambridge_Bay America/Atikokan
`;

/** Lines of `keys: values` (`#` starts a comment) as [keys, values] pairs. */
function parseTable(table: string): [string[], string[]][] {
  return table
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .filter((line) => line !== '')
    .map((line) => {
      const [keys = '', values = ''] = line.split(':');
      return [keys.trim().split(/\s+/), values.trim().split(/\s+/)];
    });
}

/** `${country}:${region}` → zones. */
export const REGION_ZONES: ReadonlyMap<string, readonly string[]> = new Map(
  parseTable(REGION_TABLE).flatMap(([[country = '', ...regions], zones]) =>
    regions.map((region) => [`${country}:${region}`, zones] as const),
  ),
);

/** Region code → country; the codes of US states, US territories and Canada never collide. */
const REGION_COUNTRY = new Map([...REGION_ZONES.keys()].map((k) => [k.slice(3), k.slice(0, 2)] as const));

function withOverlays(base: ReadonlyMap<string, readonly string[]>): Map<string, readonly string[]> {
  const all = new Map(base);
  // An overlay serves its base codes' whole area: 778 overlays 604 and 250, so it spans 250's zones.
  for (const [code, bases] of OVERLAY_OF) {
    if (!bases.some((b) => base.has(b))) continue;
    const zones = [code, ...bases].flatMap((c) => {
      const info = NANP_AREA_CODES.get(c);
      return base.get(c) ?? (info ? [info.timezone] : []);
    });
    all.set(code, [...new Set(zones)]);
  }
  return all;
}

/** Area code → every zone it serves, for the codes that serve more than one (overlays included). */
export const SPLIT_AREA_CODES: ReadonlyMap<string, readonly string[]> = withOverlays(
  new Map(parseTable(SPLIT_TABLE).flatMap(([codes, zones]) => codes.map((c) => [c, zones] as const))),
);

/** US ZIP code prefixes (first three digits, ranges inclusive) → state or territory. */
const ZIP_TABLE = `005 NY,006-007 PR,008 VI,009 PR,010-027 MA,028-029 RI,030-038 NH,039-049 ME,050-054 VT,055 MA,
056-059 VT,060-069 CT,070-089 NJ,100-149 NY,150-196 PA,197-199 DE,200 DC,201 VA,202-205 DC,206-219 MD,
220-246 VA,247-268 WV,270-289 NC,290-299 SC,300-319 GA,320-339 FL,341-349 FL,350-369 AL,370-385 TN,
386-397 MS,398-399 GA,400-427 KY,430-459 OH,460-479 IN,480-499 MI,500-528 IA,530-549 WI,550-567 MN,
569 DC,570-577 SD,580-588 ND,590-599 MT,600-629 IL,630-658 MO,660-679 KS,680-693 NE,700-714 LA,716-729 AR,
730-732 OK,733 TX,734-749 OK,750-799 TX,800-816 CO,820-831 WY,832-838 ID,840-847 UT,850-865 AZ,870-884 NM,
885 TX,889-898 NV,900-961 CA,967-968 HI,970-979 OR,980-994 WA,995-999 AK`;
// Military (090–098, 340, 962–966) is nowhere; 969 is Guam, the Marianas and free-association states.
const ZIP_FIVE: readonly (readonly [from: string, to: string, region: string])[] = [
  ['96799', '96799', 'AS'],
  ['96910', '96932', 'GU'],
  ['96950', '96952', 'MP'],
];

const ZIP_PREFIX = new Map<string, string>();
for (const entry of ZIP_TABLE.split(',')) {
  const [range = '', region = ''] = entry.trim().split(' ');
  const [from = '', to = from] = range.split('-');
  for (let p = Number(from); p <= Number(to); p++) ZIP_PREFIX.set(String(p).padStart(3, '0'), region);
}

/** Canadian postal codes: the first letter names the province (X: Nunavut's X0A–X0C, else NT). */
const POSTAL_LETTER = new Map(
  'ANL BNS CPE ENB GQC HQC JQC KON LON MON NON PON RMB SSK TAB VBC XNT YYT'
    .split(' ')
    .map((e) => [e.slice(0, 1), e.slice(1)] as const),
);

/** The region a US ZIP (12345, 12345-6789) or Canadian postal code (K1A 0B1) is in. */
export function regionOfPostalCode(code: string): string | undefined {
  const c = code.trim().toUpperCase();
  if (/^\d{5}(?:-\d{4})?$/.test(c)) {
    const five = c.slice(0, 5);
    return ZIP_FIVE.find(([from, to]) => five >= from && five <= to)?.[2] ?? ZIP_PREFIX.get(c.slice(0, 3));
  }
  if (!/^[A-Z]\d[A-Z] ?\d[A-Z]\d$/.test(c)) return undefined;
  return /^X0[ABC]/.test(c) ? 'NU' : POSTAL_LETTER.get(c.slice(0, 1));
}

const countryZone = new Map<string, string | null>();

/** A country's one zone (as CLDR lists them), or null when its zones keep different times. */
function zoneOfCountry(country: string): string | null {
  const cached = countryZone.get(country);
  if (cached !== undefined) return cached;
  const locale = new Intl.Locale(`und-${country}`) as Intl.Locale & {
    getTimeZones?: () => string[];
    timeZones?: string[];
  };
  const zones = [...(locale.getTimeZones?.() ?? locale.timeZones ?? [])].sort();
  const first = zones[0];
  let zone: string | null = null;
  // Germany lists Berlin and Busingen: one time, so unambiguous; Spain's Canary Islands are not.
  const clock = zones.length > 1 && first !== undefined ? offsets(first) : undefined;
  if (first !== undefined && zones.every((z) => z === first || offsets(z) === clock)) {
    zone = RENAMED[first] ?? first;
  }
  countryZone.set(country, zone);
  return zone;
}

/** A zone's UTC offsets twice a day over the coming year, to tell zones that keep one time. */
function offsets(tz: string): string {
  const fmt = new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'longOffset' });
  const start = Date.now();
  const out: string[] = [];
  for (let h = 0; h < 366 * 24; h += 12)
    out.push(
      fmt
        .format(start + h * 3_600_000)
        .split(' ')
        .pop() ?? '',
    );
  return out.join();
}

function place(country: string | undefined, region: string | undefined) {
  const zones = country && region ? REGION_ZONES.get(`${country}:${region}`) : undefined;
  return zones && country && region ? { country, region, zones: [...zones] } : undefined;
}

/**
 * Where a lead is and every zone it may be in. The zones come from the first of: a valid IANA zone
 * in the lead's time-zone column, its ZIP / postal code, its state or province, its phone number
 * (an area code's zones; abroad, the country's zone when it has one). Country and region come from
 * the postal code, else the state, else the number.
 */
export function leadZones(input: {
  phone: string;
  state?: string;
  zip?: string;
  timeZone?: string;
}): LeadZones {
  const fromZip = input.zip ? regionOfPostalCode(input.zip) : undefined;
  const zip = place(fromZip && REGION_COUNTRY.get(fromZip), fromZip);
  const stateCode = input.state?.trim().toUpperCase();
  const state = place(stateCode && REGION_COUNTRY.get(stateCode), stateCode);
  const nanp = nanpInfo(input.phone);
  const number = nanp
    ? {
        country: nanp.country,
        region: nanp.region,
        zones: [...(SPLIT_AREA_CODES.get(nanp.areaCode) ?? [nanp.timezone])],
      }
    : abroad(input.phone);
  const where = zip ?? state ?? number;
  const column = input.timeZone ? ianaZone(input.timeZone) : null;
  const [timeZones, source]: [string[], ZoneSource | null] = column
    ? [[column], 'column']
    : zip
      ? [zip.zones, 'zip']
      : state
        ? [state.zones, 'state']
        : number.zones.length > 0
          ? [number.zones, 'number']
          : [[], null];
  return { country: where.country, region: where.region, timeZones, source };
}

function abroad(phone: string): { country: string | null; region: null; zones: string[] } {
  const country = parsePhoneNumberFromString(phone)?.country ?? null;
  // A +1 number whose area code nanp.ts does not place (toll-free, 5XX) stays unknown.
  const zone = country && !phone.startsWith('+1') ? zoneOfCountry(country) : null;
  return { country, region: null, zones: zone ? [zone] : [] };
}
