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
