import { one, many, type Queryable } from '../db/db.js';
import type { PageRequest } from '../shared/types.js';
import { outboxCtes } from '../webhooks/outbox.sql.js';

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
  /** The call a call charge bills. */
  call_id: number | null;
  created_at: Date;
}

export interface SellerBalanceRow {
  seller_id: number;
  email: string;
  name: string;
  status: string;
  balance: string;
}

const LEDGER_COLUMNS =
  'id, seller_id, kind, amount, balance_after, note, reference, created_by, call_id, created_at';

export interface LedgerEntry {
  sellerId: number;
  kind: LedgerKind;
  amount: string;
  note: string | null;
  reference: string | null;
  createdBy: number | null;
}

/** A ledger posting as SQL expressions (parameters or columns of `from`). */
export interface LedgerSql {
  seller: string;
  kind: string;
  amount: string;
  note: string;
  reference: string;
  createdBy: string;
  /** The call a charge bills (calls.id), when it is one. */
  callId?: string;
  /** Extra FROM items the expressions read (e.g. the CTE of a call that just ended), and a condition. */
  from?: string;
  where?: string;
}

/**
 * CTEs `lo`, `lu`, `lg`, `ln` (+ the webhook outbox's `lw_ev`, `lw`) that move a seller's balance,
 * write its ledger row and, when the balance just fell below `lowThreshold`, notify the seller (and
 * the `balance.low` webhooks): other statements (the end of a
 * call) embed them so the charge lands with everything else, and the ledger row reads the same
 * FROM items as the charge, so no money moves without its reason. The seller row is locked last
 * (see src/routing/statements.ts).
 */
export function ledgerSql(e: LedgerSql, lowThreshold: string): string {
  const from = e.from ? `, ${e.from}` : '';
  const where = e.where ? ` AND ${e.where}` : '';
  return `lo AS (SELECT u.id, u.balance, ${e.amount} AS amount FROM users u${from}
            WHERE u.id = ${e.seller} AND u.role = 'seller'${where} FOR UPDATE OF u),
    lu AS (UPDATE users SET balance = users.balance + lo.amount, updated_at = now() FROM lo WHERE users.id = lo.id
           RETURNING users.id, users.balance AS after, (lo.balance >= ${lowThreshold} AND users.balance < ${lowThreshold}) AS crossed_low),
    lg AS (INSERT INTO balance_ledger (seller_id, kind, amount, balance_after, note, reference, created_by, call_id)
           SELECT lu.id, ${e.kind}, lo.amount, lu.after, ${e.note}, ${e.reference}, ${e.createdBy}, ${e.callId ?? 'NULL::bigint'}
             FROM lo JOIN lu ON lu.id = lo.id${from} WHERE true${where} RETURNING ${LEDGER_COLUMNS}),
    ln AS (INSERT INTO notifications (user_id, kind, title, body, data)
           SELECT lu.id, 'low_balance', 'Your balance is low',
                  'Balance ' || lu.after || ' is below ' || ${lowThreshold} || '. Top up to keep calls flowing.',
                  jsonb_build_object('balance', lu.after::text, 'threshold', (${lowThreshold})::text)
             FROM lu WHERE lu.crossed_low RETURNING id),
    ${outboxCtes(
      'lw',
      `SELECT 'balance.low' AS type, lu.id AS seller_id,
              jsonb_build_object('seller_id', lu.id, 'balance', lu.after::text, 'threshold', (${lowThreshold})::text) AS data
         FROM lu WHERE lu.crossed_low`,
      'now()',
    )}`;
}

/** `ledgerSql` for a posting given as values (a top-up, an adjustment). */
export function ledgerCtes(e: LedgerEntry, lowThreshold: string, add: (v: unknown) => string): string {
  return ledgerSql(
    {
      seller: `${add(e.sellerId)}::bigint`,
      kind: `${add(e.kind)}::text`,
      amount: `${add(e.amount)}::numeric`,
      note: `${add(e.note)}::text`,
      reference: `${add(e.reference)}::text`,
      createdBy: `${add(e.createdBy)}::bigint`,
    },
    `${add(lowThreshold)}::numeric`,
  );
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

    /** The seller's balance and own rate per billable minute (null: the default rate applies). */
    balanceAndRate(id: number): Promise<{ balance: string; rate: string | null } | undefined> {
      return one(
        db,
        `SELECT balance, billing_rate_per_minute::text AS rate FROM users WHERE id = $1 AND role = 'seller'`,
        [id],
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
    post(e: LedgerEntry, lowThreshold: string): Promise<LedgerRow | undefined> {
      const params: unknown[] = [];
      const ctes = ledgerCtes(e, lowThreshold, (v) => {
        params.push(v);
        return `$${params.length}`;
      });
      return one(db, `WITH ${ctes} SELECT lg.* FROM lg`, params);
    },
  };
}
