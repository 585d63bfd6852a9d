import { NANP_AREA_CODES } from '../../src/callerid/nanp.js';
import { normalisePhone } from '../../src/shared/phone.js';

/**
 * US area codes whose numbers libphonenumber accepts (a few brand-new codes in the NANP table
 * it does not know yet; a number or destination in them would be a 400, not what is measured).
 */
export function dialableUsAreaCodes(): string[] {
  return [...NANP_AREA_CODES.values()]
    .filter((c) => c.country === 'US' && !('error' in normalisePhone(`${c.areaCode}2345678`, 'US')))
    .map((c) => c.areaCode);
}
