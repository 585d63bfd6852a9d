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
