import { Link } from 'react-router';
import { Badge, DataTable, Empty, dateTime, money, type Column } from '../../ui';
import type { Postback } from './types';

const TONE = { applied: 'good', unchanged: 'neutral', refused: 'bad' } as const;

const conversion = (billable: boolean | null, payout: string | null) =>
  billable === null ? '—' : billable ? `Converted, ${money(payout)}` : 'Not converted';

/**
 * Postbacks received with a valid signature, newest first: what each asked, what it found and
 * what it made of the call (or why it was refused), with the key, request id and address it came
 * from. `showCall`: on a buyer's list, the call each named; on a call's page, the buyer.
 */
export function PostbacksTable(props: { rows: Postback[] | undefined; showCall?: boolean; empty: string }) {
  const columns: Column<Postback>[] = [
    { header: 'Received', cell: (p) => dateTime(p.received_at) },
    props.showCall
      ? {
          header: 'Call',
          cell: (p) => (p.call_id === null ? '—' : <Link to={`/calls/${p.call_id}`}>#{p.call_id}</Link>),
        }
      : { header: 'Buyer', cell: (p) => p.client_name ?? `#${p.client_id}` },
    {
      header: 'Asked',
      cell: (p) => (
        <div>
          {p.action === 'confirm' ? `Confirm${p.amount ? ` at ${money(p.amount)}` : ''}` : 'Reverse'}
          {p.reason && <div className="muted">{p.reason}</div>}
        </div>
      ),
    },
    {
      header: 'Result',
      cell: (p) => (
        <div>
          <Badge tone={TONE[p.result]}>{p.result}</Badge>
          {p.message && <div className="muted">{p.message}</div>}
        </div>
      ),
    },
    { header: 'Before', cell: (p) => conversion(p.old_billable, p.old_payout) },
    { header: 'After', cell: (p) => conversion(p.new_billable, p.new_payout) },
    {
      header: 'From',
      cell: (p) => (
        <div className="muted">
          <code>{p.key_id}</code>
          <div>{p.remote_address ?? '—'}</div>
          <div title="Request id">{p.request_id}</div>
        </div>
      ),
    },
  ];
  return (
    <DataTable
      caption="Postbacks"
      columns={columns}
      rows={props.rows}
      rowKey={(p) => p.id}
      empty={<Empty title={props.empty} />}
    />
  );
}
