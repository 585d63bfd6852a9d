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

export interface LedgerEntry {
  sellerId: number;
  kind: LedgerKind;
  amount: string;
  note: string | null;
  reference: string | null;
  createdBy: number | null;
}

/**
 * CTEs `lo`, `lu`, `lg` that move a seller's balance and write its ledger row; other
 * statements (the end of a call) embed them so the charge lands with everything else.
 * `lu.crossed_low` says whether the balance just fell below `lowThreshold`.
 */
export function ledgerCtes(e: LedgerEntry, lowThreshold: string, add: (v: unknown) => string): string {
  const seller = `${add(e.sellerId)}::bigint`;
  const amount = `${add(e.amount)}::numeric`;
  const low = `${add(lowThreshold)}::numeric`;
  return `lo AS (SELECT id, balance FROM users WHERE id = ${seller} AND role = 'seller' FOR UPDATE),
    lu AS (UPDATE users SET balance = users.balance + ${amount}, updated_at = now() FROM lo WHERE users.id = lo.id
           RETURNING users.balance AS after, (lo.balance >= ${low} AND users.balance < ${low}) AS crossed_low),
    lg AS (INSERT INTO balance_ledger (seller_id, kind, amount, balance_after, note, reference, created_by)
           SELECT ${seller}, ${add(e.kind)}, ${amount}, lu.after, ${add(e.note)}, ${add(e.reference)}, ${add(e.createdBy)}::bigint
             FROM lu RETURNING ${LEDGER_COLUMNS})`;
}

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
    post(e: LedgerEntry, lowThreshold: string): Promise<(LedgerRow & { crossed_low: boolean }) | undefined> {
      const params: unknown[] = [];
      const ctes = ledgerCtes(e, lowThreshold, (v) => {
        params.push(v);
        return `$${params.length}`;
      });
      return one(db, `WITH ${ctes} SELECT lg.*, lu.crossed_low FROM lg, lu`, params);
    },
  };
}
