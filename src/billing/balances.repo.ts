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

    /**
     * Moves the balance and writes its ledger row in one statement; the row lock on the
     * seller serialises concurrent moves. Undefined when the id is not a seller.
     */
    post(
      e: {
        sellerId: number;
        kind: LedgerKind;
        amount: string;
        note: string | null;
        reference: string | null;
        createdBy: number | null;
      },
      lowThreshold: string,
    ): Promise<(LedgerRow & { crossed_low: boolean }) | undefined> {
      return one(
        db,
        `WITH old AS (SELECT id, balance FROM users WHERE id = $1 AND role = 'seller' FOR UPDATE),
              u AS (UPDATE users SET balance = users.balance + $2::numeric, updated_at = now() FROM old
                     WHERE users.id = old.id
                     RETURNING users.balance AS after, (old.balance >= $3::numeric AND users.balance < $3::numeric) AS crossed_low),
              l AS (INSERT INTO balance_ledger (seller_id, kind, amount, balance_after, note, reference, created_by)
                    SELECT $1, $4, $2::numeric, u.after, $5, $6, $7 FROM u RETURNING ${LEDGER_COLUMNS})
         SELECT l.*, u.crossed_low FROM l, u`,
        [e.sellerId, e.amount, lowThreshold, e.kind, e.note, e.reference, e.createdBy],
      );
    },
  };
}
