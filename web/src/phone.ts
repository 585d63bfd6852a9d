// Phone numbers checked in the browser exactly as the server checks them for click-to-call
// (src/shared/phone.ts#normalisePhone with the server's DEFAULT_PHONE_REGION, after the route's
// 3 to 32 characters), so a number the page accepts is one the server accepts. libphonenumber's
// full metadata is large: it is loaded only by the pages that dial.

import type { parsePhoneNumberFromString } from 'libphonenumber-js/max';

type Parse = typeof parsePhoneNumberFromString;
interface PhoneLib {
  parsePhoneNumberFromString: Parse;
}

let lib: Promise<PhoneLib> | undefined;

/** libphonenumber-js with its full metadata (the server's), loaded once. */
export function loadPhoneLib(): Promise<PhoneLib> {
  lib ??= import('libphonenumber-js/max');
  return lib;
}

/** The click-to-call body's bounds (POST /api/agent-calls: number, 3 to 32 characters). */
export const NUMBER_MIN = 3;
export const NUMBER_MAX = 32;

export type NumberCheck = { e164: string } | { error: string };

/**
 * A number as people type it ("(212) 555-0151", "+44 20 7946 0958", "12125550151") to E.164, or
 * why the server would refuse it. `region` is how national numbers are read (GET /api/me).
 */
export function checkNumber(input: string, region: string, parse: Parse): NumberCheck {
  if (input.length < NUMBER_MIN || input.length > NUMBER_MAX)
    return { error: `a number has ${NUMBER_MIN} to ${NUMBER_MAX} characters` };
  const raw = input.trim();
  if (raw === '') return { error: 'empty number' };
  if (!/^[+\d\s().\-/]+$/.test(raw))
    return { error: `"${raw}" contains characters that are not part of a phone number` };
  const digits = raw.replace(/\D/g, '');
  // "1NXXNXXXXXX" without a plus is how NANP numbers usually arrive: the server reads it so too.
  const candidate =
    !raw.startsWith('+') && digits.length === 11 && digits.startsWith('1') ? `+${digits}` : raw;
  const parsed = parse(candidate, region as Parameters<Parse>[1]);
  if (!parsed) return { error: `"${raw}" is not a phone number` };
  if (!parsed.isValid())
    return {
      error: `"${raw}" is not a valid number for ${parsed.country ?? `+${parsed.countryCallingCode}`}`,
    };
  return { e164: parsed.number };
}
