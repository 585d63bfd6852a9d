import { ApiError } from './api';
import { MONEY_LIMITS, moneyProblem, type MoneyRule } from '../../src/shared/money-limits';

export { MONEY_LIMITS };

/**
 * Checks an amount with the API's own rule before sending it: a refused amount shows under its
 * field in the API's words, without a round trip (the API checks it again).
 */
export function checkMoney(field: string, value: string, rule: MoneyRule): void {
  const problem = moneyProblem(value, rule);
  if (problem !== null)
    throw new ApiError(400, 'validation_failed', `${field} ${problem}`, [
      { path: `/${field}`, message: problem },
    ]);
}
