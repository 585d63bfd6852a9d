/** The figures a report shows for a set of calls, from the sums it read (pure). */
import { areaCodeInfo, NANP_AREA_CODES } from '../callerid/nanp.js';
import { fromMoneyUnits, moneyUnits } from '../shared/money.js';
import type { Measures } from './reports.repo.js';

/**
 * A report's figures for a set of calls. The money is seen from the seller's books: `revenue` is
 * what buyers owe for converted calls (the links' payouts), `cost` what the platform charged the
 * seller for the minutes, `profit` the difference (docs/reports.md, "Who owes whom").
 */
export interface Figures {
  calls: number;
  answered: number;
  converted: number;
  rejected: number;
  /** Converted ÷ calls, 0–1; null without calls. */
  conversion_rate: number | null;
  /** Billed seconds ÷ answered calls; null without answers. */
  average_handle_seconds: number | null;
  billsec: number;
  revenue: string;
  cost: string;
  profit: string;
}

export function figures(m: Measures): Figures {
  const revenue = moneyUnits(m.payout);
  const cost = moneyUnits(m.cost);
  return {
    calls: m.calls,
    answered: m.answered,
    converted: m.converted,
    rejected: m.rejected,
    conversion_rate: m.calls === 0 ? null : m.converted / m.calls,
    average_handle_seconds: m.answered === 0 ? null : Math.round((m.billsec / m.answered) * 10) / 10,
    billsec: m.billsec,
    revenue: fromMoneyUnits(revenue),
    cost: fromMoneyUnits(cost),
    profit: fromMoneyUnits(revenue - cost),
  };
}

export function addMeasures(a: Measures, b: Measures): Measures {
  return {
    calls: a.calls + b.calls,
    answered: a.answered + b.answered,
    converted: a.converted + b.converted,
    rejected: a.rejected + b.rejected,
    billsec: a.billsec + b.billsec,
    cost: fromMoneyUnits(moneyUnits(a.cost) + moneyUnits(b.cost)),
    payout: fromMoneyUnits(moneyUnits(a.payout) + moneyUnits(b.payout)),
  };
}

export const ZERO: Measures = {
  calls: 0,
  answered: 0,
  converted: 0,
  rejected: 0,
  billsec: 0,
  cost: '0.0000',
  payout: '0.0000',
};

/** The state or province of an area code's key, as "US-TX"; '' when unknown. */
export function stateOf(area: string): string {
  const info = areaCodeInfo(area);
  return info ? `${info.country}-${info.region}` : '';
}

/** The area codes of a state key ("US-TX"). */
export function areasOf(state: string): string[] {
  return [...NANP_AREA_CODES.values()]
    .filter((i) => `${i.country}-${i.region}` === state)
    .map((i) => i.areaCode);
}
