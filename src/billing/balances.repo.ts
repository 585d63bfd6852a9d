import { one, many, type Queryable } from '../db/db.js';
import type { PageRequest } from '../shared/types.js';

export type LedgerKind = 'topup' | 'adjustment' | 'call_charge';

export interface LedgerRow {
  id: number;
  seller_id: number;
  kind: LedgerKind;
  amount: string;
  balance_after: string;
  note: string | null;
  reference: string | null;
  created_by: number | null;
  created_at: Date;
}

export interface SellerBalanceRow {
  seller_id: number;
  email: string;
  name: string;
  status: string;
  balance: string;
}

const LEDGER_COLUMNS = 'id, seller_id, kind, amount, balance_after, note, reference, created_by, created_at';

export function createBalancesRepo(db: Queryable) {
  return {
    listSellers(page: PageRequest, q?: string): Promise<(SellerBalanceRow & { total: number })[]> {
      return many(
        db,
        `SELECT id AS seller_id, email, name, status, balance, count(*) OVER () AS total
           FROM users WHERE role = 'seller' AND ($3::text IS NULL OR email ILIKE '%' || $3 || '%' OR name ILIKE '%' || $3 || '%')
          ORDER BY id LIMIT $1 OFFSET $2`,
        [page.limit, page.offset, q ?? null],
      );
    },

    seller(id: number): Promise<SellerBalanceRow | undefined> {
      return one(
        db,
        `SELECT id AS seller_id, email, name, status, balance FROM users WHERE id = $1 AND role = 'seller'`,
        [id],
      );
    },

    ledger(sellerId: number, page: PageRequest): Promise<(LedgerRow & { total: number })[]> {
      return many(
        db,
        `SELECT ${LEDGER_COLUMNS}, count(*) OVER () AS total FROM balance_ledger
          WHERE seller_id = $1 ORDER BY id DESC LIMIT $2 OFFSET $3`,
        [sellerId, page.limit, page.offset],
      );
    },

    /** Moves the balance and returns old and new values; the row lock serialises concurrent moves. */
    applyDelta(
      sellerId: number,
      amount: string,
      lowThreshold: string,
    ): Promise<{ after: string; crossed_low: boolean } | undefined> {
      return one(
        db,
        `UPDATE users u SET balance = u.balance + $2::numeric, updated_at = now()
           FROM (SELECT id, balance FROM users WHERE id = $1 AND role = 'seller' FOR UPDATE) old
          WHERE u.id = old.id
          RETURNING u.balance AS after, (old.balance >= $3::numeric AND u.balance < $3::numeric) AS crossed_low`,
        [sellerId, amount, lowThreshold],
      );
    },

    async insertLedger(e: {
      sellerId: number;
      kind: LedgerKind;
      amount: string;
      balanceAfter: string;
      note: string | null;
      reference: string | null;
      createdBy: number | null;
    }): Promise<LedgerRow> {
      const row = await one<LedgerRow>(
        db,
        `INSERT INTO balance_ledger (seller_id, kind, amount, balance_after, note, reference, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${LEDGER_COLUMNS}`,
        [e.sellerId, e.kind, e.amount, e.balanceAfter, e.note, e.reference, e.createdBy],
      );
      return row!;
    },
  };
}
