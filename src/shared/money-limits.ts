/**
 * The bounds of money a person types: one definition for the API (the `x-money` schema keyword,
 * src/http/validation.ts) and the web forms (which import this file), so both refuse the same
 * amounts with the same words. No imports: the browser bundles it as it is.
 */
export const MONEY_LIMITS = {
  /** One top-up or adjustment of a seller's balance, either sign. */
  balanceChange: 1_000_000,
  /** A link's payout per converted call. */
  payout: 100_000,
  /** A seller's charge per billable minute. */
  ratePerMinute: 1_000,
} as const;

export interface MoneyRule {
  /** The largest amount, and with `signed` the most negative one's absolute value. */
  max: number;
  /** Negative amounts allowed. */
  signed?: boolean;
  /** Decimal places allowed (default 4). */
  places?: number;
}

const formatter = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** Why `value` is not an amount the rule allows, in words for a form; null when it is. */
export function moneyProblem(value: string | number, rule: MoneyRule): string | null {
  const places = rule.places ?? 4;
  const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : value.trim();
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  const range = `${rule.signed ? `-${formatter.format(rule.max)} to ` : '0 to '}${formatter.format(rule.max)}`;
  if (!m) return `must be an amount from ${range}, with up to ${places} decimal places`;
  const [, sign, whole = '', frac = ''] = m;
  if (sign && !rule.signed) return `must not be negative (0 to ${formatter.format(rule.max)})`;
  if (frac.replace(/0+$/, '').length > places) return `must have at most ${places} decimal places`;
  // compare |value| with max exactly: whole part first, then any fraction above .000…
  const w = whole.replace(/^0+(?=\d)/, '');
  const maxWhole = String(Math.trunc(rule.max));
  const over =
    w.length !== maxWhole.length
      ? w.length > maxWhole.length
      : w > maxWhole || (w === maxWhole && /[1-9]/.test(frac));
  return over ? `must be from ${range}` : null;
}
