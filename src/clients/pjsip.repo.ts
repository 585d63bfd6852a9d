import type { Queryable } from '../db/db.js';
import type { PjsipRows, Row } from './pjsip.js';

const TABLES = ['ps_endpoints', 'ps_aors', 'ps_auths'] as const;

async function insertRow(tx: Queryable, table: string, row: Row): Promise<void> {
  const cols = Object.keys(row);
  const placeholders = cols.map((_, i) => `$${i + 1}`);
  // Enum-typed columns accept text parameters through an implicit cast from unknown.
  await tx.query(
    `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${placeholders.join(', ')})`,
    Object.values(row),
  );
}

/**
 * Asterisk's realtime rows for one client or agent; call inside the owner's own transaction.
 * `keepContacts`: leave the endpoint's registrations (ps_contacts, when mapped to realtime) in
 * place, so rewriting an agent's settings under the same id does not unregister its phone.
 */
export function createPjsipRepo(tx: Queryable, opts: { keepContacts?: boolean } = {}) {
  return {
    async remove(identifier: string): Promise<void> {
      for (const t of TABLES) await tx.query(`DELETE FROM ${t} WHERE id = $1`, [identifier]);
      if (!opts.keepContacts) await tx.query('DELETE FROM ps_contacts WHERE endpoint = $1', [identifier]);
    },

    /**
     * Replaces every row of the client (its identifier may have changed: pass the old one).
     * Rows someone else made with the new id are never overwritten: the insert fails with a
     * unique violation and the whole client change rolls back.
     */
    async replace(oldIdentifier: string | null, rows: PjsipRows): Promise<void> {
      if (oldIdentifier !== null) await this.remove(oldIdentifier);
      for (const t of TABLES) {
        const row = rows[t];
        if (row !== null) await insertRow(tx, t, row);
      }
    },
  };
}
