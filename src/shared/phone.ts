import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';

export interface NormalisedNumber {
  e164: string;
  country: string | null;
  /** NANP area code (first three digits of the national number); null elsewhere. */
  areaCode: string | null;
}

/**
 * Normalises a phone number as people type it ("(415) 555-2671", "+44 20 7946 0958",
 * "14155552671") to E.164, or returns an error text saying why it cannot.
 */
export function normalisePhone(
  input: string,
  defaultRegion: CountryCode = 'US',
): NormalisedNumber | { error: string } {
  const raw = input.trim();
  if (raw === '') return { error: 'empty number' };
  if (!/^[+\d\s().\-/]+$/.test(raw))
    return { error: `"${raw}" contains characters that are not part of a phone number` };
  const digits = raw.replace(/\D/g, '');
  // "1NXXNXXXXXX" without a plus is how NANP numbers usually arrive from carriers.
  const candidate =
    !raw.startsWith('+') && digits.length === 11 && digits.startsWith('1') ? `+${digits}` : raw;
  const parsed = parsePhoneNumberFromString(candidate, defaultRegion);
  if (!parsed) return { error: `"${raw}" is not a phone number` };
  if (!parsed.isValid())
    return {
      error: `"${raw}" is not a valid number for ${parsed.country ?? `+${parsed.countryCallingCode}`}`,
    };
  const national = parsed.nationalNumber;
  return {
    e164: parsed.number,
    country: parsed.country ?? null,
    areaCode: parsed.countryCallingCode === '1' ? national.slice(0, 3) : null,
  };
}

/** Printable text from a PBX or a request: control characters (NUL included) dropped, trimmed, cut to `max`. */
export function cleanText(input: string, max = 80): string {
  return input
    .replace(/\p{Cc}/gu, '')
    .trim()
    .slice(0, max);
}

/** A number as a call carries it: E.164 when it parses, else the cleaned text; and the raw text as sent. */
export interface CallNumber {
  value: string;
  raw: string;
}

/** Normalises a DID or caller id at the boundary, keeping what the PBX sent. */
export function callNumber(
  input: string | undefined,
  defaultRegion: CountryCode = 'US',
): CallNumber | undefined {
  if (input === undefined) return undefined;
  const raw = cleanText(input, 64);
  if (raw === '') return undefined;
  const n = normalisePhone(raw, defaultRegion);
  return { value: 'error' in n ? raw : n.e164, raw };
}
