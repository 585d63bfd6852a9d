/**
 * A dialer campaign's code as every caller-ID entry point takes it (/next-cid's label, /add-number,
 * the pools API, the CSV import's campaign column).
 */
export const CAMPAIGN_CODE_PATTERN = '^[A-Za-z0-9_.:-]{1,64}$';
