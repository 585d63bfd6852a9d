/**
 * IANA time zones as CapConduit takes them, one rule for the API (the `iana-timezone` format,
 * the dialer's zones) and the web's time-zone picker (which imports this file; no imports here).
 *
 * Only Area/Location names and UTC: PostgreSQL, which counts caps and calling windows in these
 * zones, reads a bare 'EST' or 'CET' as a fixed abbreviation and '+05:00' as a POSIX offset with
 * the sign reversed, where Intl follows the tz database.
 */

/** ICU's old spellings of zones the tz database renamed (both still work in PostgreSQL). */
export const RENAMED: Readonly<Record<string, string>> = {
  'Asia/Calcutta': 'Asia/Kolkata',
  'Asia/Katmandu': 'Asia/Kathmandu',
  'Asia/Saigon': 'Asia/Ho_Chi_Minh',
  'Asia/Rangoon': 'Asia/Yangon',
  'Atlantic/Faeroe': 'Atlantic/Faroe',
  'Europe/Kiev': 'Europe/Kyiv',
};

function intlKnows(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/**
 * The zone `name` names (trimmed; Intl's spelling unless it renames an alias), or null when it is
 * not an Area/Location name or UTC that Intl knows.
 */
export function ianaZone(name: string): string | null {
  const tz = name.trim();
  if (!/^(?:UTC|[A-Za-z]+(?:\/[A-Za-z0-9_+-]+)+)$/.test(tz) || !intlKnows(tz)) return null;
  const resolved = new Intl.DateTimeFormat('en-US', { timeZone: tz }).resolvedOptions().timeZone;
  return resolved.toLowerCase() === tz.toLowerCase() ? resolved : tz;
}

let choices: string[] | undefined;

/** The zones a picker offers: UTC first, then every Area/Location zone by name, current spellings. */
export function zoneChoices(): string[] {
  if (choices) return choices;
  const supported =
    (Intl as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
  const zones = new Set(
    supported.map((z) => RENAMED[z] ?? z).filter((z) => z !== 'UTC' && ianaZone(z) !== null),
  );
  choices = ['UTC', ...[...zones].sort()];
  return choices;
}

/** The UTC offset of `zone` at `at`, in minutes. */
function offsetMinutes(zone: string, at: Date): number {
  const part = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' })
    .formatToParts(at)
    .find((p) => p.type === 'timeZoneName')!.value;
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(part);
  return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
}

/** Whether every local hour of the period is one UTC hour (no half- or quarter-hour offset in it). */
export function wholeHourZone(zone: string, from: string, to: string): boolean {
  const start = Date.parse(`${from}T00:00:00Z`) - 86_400_000;
  const end = Date.parse(`${to}T00:00:00Z`) + 2 * 86_400_000;
  // offsets change at most a few times a year; sampling every 15 days and both ends finds any
  // fractional one in force (no zone keeps one for less than a month)
  for (let t = start; t <= end + 86_400_000; t += 15 * 86_400_000) {
    if (offsetMinutes(zone, new Date(Math.min(t, end))) % 60 !== 0) return false;
  }
  return true;
}
