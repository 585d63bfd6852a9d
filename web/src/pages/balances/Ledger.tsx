import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api';
import { checkMoney, MONEY_LIMITS } from '../../money';
import {
  Badge,
  DataTable,
  Empty,
  ErrorBanner,
  Field,
  dateTime,
  money,
  useSubmit,
  type Column,
} from '../../ui';

/** One ledger entry (GET /api/balances/{id}/ledger, GET /api/me/ledger). */
export interface LedgerEntry {
  id: number;
  seller_id: number;
  kind: 'topup' | 'adjustment' | 'call_charge' | string;
  amount: string;
  balance_after: string;
  note: string | null;
  reference: string | null;
  created_by: number | null;
  created_at: string;
}

const KINDS: Record<string, { label: string; tone: string }> = {
  topup: { label: 'Top-up', tone: 'good' },
  adjustment: { label: 'Adjustment', tone: 'warn' },
  call_charge: { label: 'Call charge', tone: 'neutral' },
};

const columns: Column<LedgerEntry>[] = [
  { header: 'When', cell: (e) => dateTime(e.created_at) },
  {
    header: 'Kind',
    cell: (e) => <Badge tone={KINDS[e.kind]?.tone}>{KINDS[e.kind]?.label ?? e.kind}</Badge>,
  },
  {
    header: 'Amount',
    className: 'num',
    cell: (e) => (Number(e.amount) > 0 ? `+${money(e.amount)}` : money(e.amount)),
  },
  { header: 'Balance after', className: 'num', cell: (e) => money(e.balance_after) },
  { header: 'Note', cell: (e) => e.note ?? '' },
  { header: 'Reference', cell: (e) => e.reference ?? '' },
];

export function LedgerTable(props: { rows: LedgerEntry[] | undefined; empty: string }) {
  return (
    <DataTable
      caption="Ledger, newest first"
      columns={columns}
      rows={props.rows}
      rowKey={(e) => e.id}
      empty={<Empty title="No ledger entries yet">{props.empty}</Empty>}
    />
  );
}

/**
 * POST /api/balances/{id}/topup (a positive amount) or /adjust (a signed, non-zero amount and
 * a note saying why). Amounts go as strings so that cents never pass through floating point.
 */
export function BalanceChangeForm(props: {
  sellerId: number;
  sellerName: string;
  kind: 'topup' | 'adjust';
  onDone: (balance: string) => void;
  onCancel: () => void;
}) {
  const qc = useQueryClient();
  const [amount, setAmount] = useState('');
  const [note, setNote] = useState('');
  const [reference, setReference] = useState('');
  const topup = props.kind === 'topup';
  const form = useSubmit(
    async () => {
      checkMoney('amount', amount, { max: MONEY_LIMITS.balanceChange, signed: true });
      return api.post<{ balance: string }>(`/api/balances/${props.sellerId}/${props.kind}`, {
        amount: amount.trim(),
        ...(note.trim() ? { note: note.trim() } : {}),
        ...(reference.trim() ? { reference: reference.trim() } : {}),
      });
    },
    (r) => {
      void Promise.all([
        qc.invalidateQueries({ queryKey: ['/api/balances'] }),
        qc.invalidateQueries({ queryKey: [`/api/balances/${props.sellerId}`] }),
        qc.invalidateQueries({ queryKey: [`/api/balances/${props.sellerId}/ledger`] }),
        qc.invalidateQueries({ queryKey: ['/api/users'] }),
      ]);
      props.onDone(r.balance);
    },
  );
  return (
    <form className="stack" onSubmit={form.submit}>
      <ErrorBanner error={form.error} />
      <p style={{ margin: 0 }}>
        {topup
          ? `Add prepaid funds to ${props.sellerName}’s balance.`
          : `Correct ${props.sellerName}’s balance: a positive amount adds, a negative one takes away.`}
      </p>
      <Field
        label="Amount (USD)"
        error={form.fields.amount}
        hint={`${topup ? 'e.g. 100 or 25.50' : 'Signed, e.g. -12.50 or 5; not zero'}; at most ${MONEY_LIMITS.balanceChange.toLocaleString('en-US')}, up to 4 decimal places`}
      >
        {(id, d) => (
          <input
            id={id}
            aria-describedby={d}
            required
            inputMode="decimal"
            autoComplete="off"
            value={amount}
            onChange={(e) => setAmount(e.target.value)}
          />
        )}
      </Field>
      <Field
        label={topup ? 'Note' : 'Reason'}
        error={form.fields.note}
        hint={topup ? 'Optional' : 'Required: why the balance changes'}
      >
        {(id, d) => (
          <textarea
            id={id}
            aria-describedby={d}
            rows={2}
            required={!topup}
            maxLength={500}
            value={note}
            onChange={(e) => setNote(e.target.value)}
          />
        )}
      </Field>
      <Field label="Reference" error={form.fields.reference} hint="Optional: invoice or payment id">
        {(id, d) => (
          <input
            id={id}
            aria-describedby={d}
            maxLength={200}
            value={reference}
            onChange={(e) => setReference(e.target.value)}
          />
        )}
      </Field>
      <div className="form-actions">
        <button type="button" className="secondary" onClick={props.onCancel}>
          Cancel
        </button>
        <button type="submit" disabled={form.busy}>
          {form.busy ? 'Saving…' : topup ? 'Top up' : 'Adjust balance'}
        </button>
      </div>
    </form>
  );
}
