import type { NormalisedNumber } from '../shared/phone.js';
import { nanpInfo } from './nanp.js';

/** Area code, state/province and time zone of a caller ID, from the NANP data where it applies. */
export function callerIdFacts(n: NormalisedNumber) {
  const info = nanpInfo(n.e164);
  return {
    areaCode: info?.areaCode ?? n.areaCode,
    region: info?.region ?? null,
    timezone: info?.timezone ?? 'UTC',
  };
}
