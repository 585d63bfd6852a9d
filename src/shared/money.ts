import { badRequest } from './errors.js';

/**
 * Normalises a decimal amount (string or number) to a string with `scale` places, for NUMERIC
 * columns. Arithmetic on money happens in SQL, never in floating point.
 */
export function toMoney(value: string | number, scale = 4): string {
  const text = typeof value === 'number' ? numberToPlain(value) : value.trim();
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) throw badRequest(`"${text}" is not a decimal amount`);
  const [, sign, whole, frac = ''] = m;
  if (frac.replace(/0+$/, '').length > scale)
    throw badRequest(`${text} has more than ${scale} decimal places`);
  return `${sign}${BigInt(whole!).toString()}.${frac.padEnd(scale, '0').slice(0, scale)}`;
}

function numberToPlain(n: number): string {
  if (!Number.isFinite(n)) throw badRequest('amount must be a finite number');
  // toFixed(10) avoids exponent notation; trailing zeros are trimmed by the scale check.
  return n.toFixed(10).replace(/\.?0+$/, '');
}

/** A decimal amount with at most four places as an integer of ten-thousandths (exact sums in TypeScript). */
export function moneyUnits(value: string): bigint {
  const m = /^(-?)(\d+)(?:\.(\d{1,4}))?$/.exec(value.trim());
  if (!m) throw new Error(`"${value}" is not an amount with at most four decimal places`);
  const units = BigInt(m[2]!) * 10000n + BigInt((m[3] ?? '').padEnd(4, '0'));
  return m[1] === '-' ? -units : units;
}

/** The inverse of moneyUnits: "-12.3400". */
export function fromMoneyUnits(units: bigint): string {
  const sign = units < 0n ? '-' : '';
  const abs = units < 0n ? -units : units;
  return `${sign}${abs / 10000n}.${(abs % 10000n).toString().padStart(4, '0')}`;
}
