import type { Db, Queryable } from '../db/db.js';
import type { SettingsService } from '../settings/settings.service.js';
import { badRequest, notFound } from '../shared/errors.js';
import { toMoney } from '../shared/money.js';
import { toPage, type Actor, type Page, type PageRequest } from '../shared/types.js';
import {
  createBalancesRepo,
  type LedgerEntry,
  type LedgerRow,
  type SellerBalanceRow,
} from './balances.repo.js';

export interface BalanceChange {
  amount: string | number;
  note?: string | undefined;
  reference?: string | undefined;
}

/**
 * Moves a seller's balance and writes its ledger row in the caller's transaction: the only
 * way a balance ever changes. Raises a low-balance notification when the balance crosses
 * below the threshold.
 */
export async function postToLedger(tx: Queryable, e: LedgerEntry, lowThreshold: string): Promise<LedgerRow> {
  const posted = await createBalancesRepo(tx).post(e, lowThreshold);
  if (!posted) throw notFound('seller', e.sellerId);
  return posted;
}

export function createBalancesService(deps: { db: Db; settings: SettingsService }) {
  const { db } = deps;
  const repo = createBalancesRepo(db);

  async function seller(id: number): Promise<SellerBalanceRow> {
    const row = await repo.seller(id);
    if (!row) throw notFound('seller', id);
    return row;
  }

  async function change(actor: Actor, sellerId: number, kind: 'topup' | 'adjustment', input: BalanceChange) {
    const amount = toMoney(input.amount, 4);
    if (kind === 'topup' && (amount.startsWith('-') || isZero(amount))) {
      throw badRequest('a top-up must be a positive amount');
    }
    if (kind === 'adjustment' && isZero(amount)) throw badRequest('an adjustment must not be zero');
    if (kind === 'adjustment' && !input.note?.trim())
      throw badRequest('an adjustment needs a note saying why');
    const threshold = String(await deps.settings.value('balance.low_threshold'));
    const entry = await db.transaction((tx) =>
      postToLedger(
        tx,
        {
          sellerId,
          kind,
          amount,
          note: input.note?.trim() || null,
          reference: input.reference?.trim() || null,
          createdBy: actor.id,
        },
        threshold,
      ),
    );
    return { entry, balance: entry.balance_after };
  }

  return {
    listSellers: async (page: PageRequest, q?: string): Promise<Page<SellerBalanceRow>> =>
      toPage(await repo.listSellers(page, q), page),
    seller,
    /**
     * A seller's own statement: the ledger page, the balance, and what they pay per billable
     * minute (their own rate, else the setting billing.rate_per_minute).
     */
    async statement(sellerId: number, page: PageRequest) {
      const me = await repo.balanceAndRate(sellerId);
      if (!me) throw notFound('seller', sellerId);
      const ledger = toPage(await repo.ledger(sellerId, page), page);
      const rate = me.rate ?? String(await deps.settings.value('billing.rate_per_minute'));
      return { ...ledger, balance: me.balance, rate_per_minute: rate, rate_is_default: me.rate === null };
    },
    async ledger(sellerId: number, page: PageRequest): Promise<Page<LedgerRow>> {
      await seller(sellerId);
      return toPage(await repo.ledger(sellerId, page), page);
    },
    topUp: (actor: Actor, sellerId: number, input: BalanceChange) => change(actor, sellerId, 'topup', input),
    adjust: (actor: Actor, sellerId: number, input: BalanceChange) =>
      change(actor, sellerId, 'adjustment', input),
  };
}

const isZero = (money: string): boolean => /^-?0+\.0+$/.test(money);

export type BalancesService = ReturnType<typeof createBalancesService>;
