/**
 * A call's disposition, as Asterisk's CDRs name it, from the last dial status it had. One table
 * for the TypeScript that reads CDRs and the SQL that finishes calls.
 */

/** DIALSTATUS → CDR disposition, for a call that was dialled and not answered. */
export const DISPOSITION_OF_STATUS: Readonly<Record<string, string>> = {
  BUSY: 'BUSY',
  NOANSWER: 'NO ANSWER',
  CANCEL: 'NO ANSWER',
  CONGESTION: 'CONGESTION',
  CHANUNAVAIL: 'FAILED',
};

/** Asterisk CDR disposition → the DIALSTATUS CapConduit records (reconciliation). */
export const STATUS_OF_DISPOSITION: Readonly<Record<string, string>> = {
  BUSY: 'BUSY',
  'NO ANSWER': 'NOANSWER',
  CONGESTION: 'CONGESTION',
  FAILED: 'CHANUNAVAIL',
};

/** The disposition of a call whose last dial status was `dialStatus` ('' when it never dialled). */
export function dispositionFor(dialStatus: string, answered: boolean, unknown = false): string {
  if (answered) return 'ANSWERED';
  if (unknown) return 'UNKNOWN';
  if (dialStatus === '') return 'NOT DIALED';
  return DISPOSITION_OF_STATUS[dialStatus] ?? 'UNKNOWN';
}

/** dispositionFor as SQL over expressions: `status` (null when never dialled), `answered`, `unknown`. */
export function dispositionSql(status: string, answered: string, unknown: string): string {
  const cases = Object.entries(DISPOSITION_OF_STATUS)
    .map(([s, d]) => `WHEN '${s}' THEN '${d}'`)
    .join(' ');
  return `CASE WHEN ${answered} THEN 'ANSWERED' WHEN ${unknown} THEN 'UNKNOWN' WHEN ${status} IS NULL THEN 'NOT DIALED'
    ELSE CASE ${status} ${cases} ELSE 'UNKNOWN' END END`;
}
