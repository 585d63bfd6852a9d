/**
 * What a call costs the seller: billable seconds rounded up to the billing increment, times
 * the rate per minute, rounded half-up to 4 decimal places. Integer arithmetic throughout.
 */
const SCALE = 1_000_000n; // rates carry up to 6 decimals

function toMicros(decimal: string): bigint {
  const m = /^(-?)(\d+)(?:\.(\d{1,6}))?$/.exec(decimal.trim());
  if (!m) throw new Error(`not a decimal: ${decimal}`);
  const v = BigInt(m[2]!) * SCALE + BigInt((m[3] ?? '').padEnd(6, '0'));
  return m[1] === '-' ? -v : v;
}

/** Seconds charged for `billsec` talk seconds with increment `inc` (6 → 6-second billing). */
export function billedSeconds(billsec: number, inc: number): number {
  if (billsec <= 0) return 0;
  return Math.ceil(billsec / inc) * inc;
}

export function chargeFor(billsec: number, incrementSeconds: number, ratePerMinute: string): string {
  const seconds = BigInt(billedSeconds(billsec, incrementSeconds));
  const micros = seconds * toMicros(ratePerMinute); // amount × 60 × 10^6
  // to 4 decimals: amount × 10^4 = micros / (60 × 100), rounded half up
  const denom = 6000n;
  const tenThousandths = (micros + denom / 2n) / denom;
  const whole = tenThousandths / 10_000n;
  const frac = (tenThousandths % 10_000n).toString().padStart(4, '0');
  return `${whole}.${frac}`;
}
