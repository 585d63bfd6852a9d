import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';
import { api, type Page } from '../api';
import { isStaff, useMe } from '../auth';
import {
  DataTable,
  Dialog,
  Empty,
  ErrorBanner,
  Field,
  Notice,
  PageHeader,
  Pagination,
  Section,
  StatusBadge,
  money,
  type Column,
} from '../ui';
import { BalanceChangeForm, LedgerTable, type LedgerEntry } from './balances/Ledger';
import type { SellerSummary } from './common/sellers';

const LIMIT = 50;

/** Prepaid balances: admin/staff see every seller's; a seller sees their own balance and ledger. */
export function BalancesPage() {
  const me = useMe();
  return isStaff(me) ? <AllBalances admin={me.role === 'admin'} /> : <MyBalance />;
}

function MyBalance() {
  const [offset, setOffset] = useState(0);
  const query = { limit: LIMIT, offset };
  const q = useQuery({
    queryKey: ['/api/me/ledger', query],
    queryFn: () =>
      api.get<Page<LedgerEntry> & { balance: string; rate_per_minute: string; rate_is_default: boolean }>(
        '/api/me/ledger',
        query,
      ),
    placeholderData: keepPreviousData,
  });
  return (
    <>
      <PageHeader
        title="My balance"
        description="Calls to your numbers are charged per billable minute from this prepaid balance."
      />
      <ErrorBanner error={q.error} />
      <div className="stats">
        <div className="stat">
          <div className="label">Balance</div>
          <div className="value">{q.data ? money(q.data.balance) : '…'}</div>
        </div>
        <div className="stat">
          <div className="label">Your rate per minute</div>
          <div className="value">{q.data ? `${money(q.data.rate_per_minute)}` : '…'}</div>
          {q.data?.rate_is_default && <div className="muted">the standard rate</div>}
        </div>
      </div>
      {q.data && Number(q.data.balance) <= 0 && (
        <Notice>
          Your balance is empty: calls to your numbers may be rejected until an administrator tops it up.
        </Notice>
      )}
      <Section title="Ledger">
        {!q.error && (
          <LedgerTable
            rows={q.data?.items}
            empty="Top-ups by an administrator and charges for your calls will be listed here."
          />
        )}
        {q.data && <Pagination total={q.data.total} limit={LIMIT} offset={offset} onChange={setOffset} />}
      </Section>
    </>
  );
}

function AllBalances({ admin }: { admin: boolean }) {
  const [params, setParams] = useSearchParams();
  const selected = Number(params.get('seller')) || null;
  const [search, setSearch] = useState('');
  const [offset, setOffset] = useState(0);
  const query = { limit: LIMIT, offset, q: search.trim() };
  const list = useQuery({
    queryKey: ['/api/balances', query],
    queryFn: () => api.get<Page<SellerSummary>>('/api/balances', query),
    placeholderData: keepPreviousData,
  });
  const open = (id: number | null) => setParams(id ? { seller: String(id) } : {});

  const columns: Column<SellerSummary>[] = [
    {
      header: 'Seller',
      cell: (s) => (
        <div>
          <strong>{s.name}</strong>
          <div className="muted">{s.email}</div>
        </div>
      ),
    },
    { header: 'Status', cell: (s) => <StatusBadge status={s.status} /> },
    { header: 'Balance', className: 'num', cell: (s) => money(s.balance) },
    {
      header: 'Ledger',
      cell: (s) => (
        <button
          type="button"
          className={s.seller_id === selected ? undefined : 'secondary'}
          aria-pressed={s.seller_id === selected}
          onClick={() => open(s.seller_id)}
        >
          {admin ? 'Ledger & top-up' : 'Ledger'}
          <span className="sr-only"> of {s.name}</span>
        </button>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title="Balances"
        description={
          admin
            ? 'Sellers’ prepaid balances. Open a ledger to top up or correct a balance.'
            : 'Sellers’ prepaid balances. Only administrators can top up or adjust them.'
        }
      />
      {selected && (
        <SellerLedger key={selected} sellerId={selected} admin={admin} onClose={() => open(null)} />
      )}
      <Section title="Sellers">
        <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
          <Field label="Search">
            {(id) => (
              <input
                id={id}
                type="search"
                maxLength={100}
                placeholder="Name or email"
                value={search}
                onChange={(e) => {
                  setSearch(e.target.value);
                  setOffset(0);
                }}
              />
            )}
          </Field>
        </form>
        <ErrorBanner error={list.error} />
        {!list.error && (
          <DataTable
            caption="Sellers’ balances"
            columns={columns}
            rows={list.data?.items}
            rowKey={(s) => s.seller_id}
            empty={
              search.trim() ? (
                <Empty title="No seller matches">Change or clear the search.</Empty>
              ) : (
                <Empty title="No sellers yet">
                  {admin
                    ? 'Create a user with the seller role on the Users page.'
                    : 'An administrator creates sellers.'}
                </Empty>
              )
            }
          />
        )}
        {list.data && (
          <Pagination total={list.data.total} limit={LIMIT} offset={offset} onChange={setOffset} />
        )}
      </Section>
    </>
  );
}

function SellerLedger(props: { sellerId: number; admin: boolean; onClose: () => void }) {
  const { sellerId } = props;
  const [offset, setOffset] = useState(0);
  const [change, setChange] = useState<'topup' | 'adjust' | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const seller = useQuery({
    queryKey: [`/api/balances/${sellerId}`],
    queryFn: () => api.get<SellerSummary>(`/api/balances/${sellerId}`),
  });
  const query = { limit: LIMIT, offset };
  const ledger = useQuery({
    queryKey: [`/api/balances/${sellerId}/ledger`, query],
    queryFn: () => api.get<Page<LedgerEntry>>(`/api/balances/${sellerId}/ledger`, query),
    placeholderData: keepPreviousData,
  });
  const name = seller.data?.name ?? `Seller #${sellerId}`;
  // Opening a ledger from the list below takes keyboard and screen-reader users to it.
  const top = useRef<HTMLDivElement>(null);
  useEffect(() => {
    top.current?.focus();
  }, []);
  return (
    <div ref={top} tabIndex={-1} aria-label={`Ledger of ${name}`} style={{ outline: 'none' }}>
      <Section
        title={`${name} — ${seller.data ? money(seller.data.balance) : '…'}`}
        actions={
          <div className="actions">
            {props.admin && seller.data && (
              <>
                <button type="button" onClick={() => setChange('topup')}>
                  Top up
                </button>
                <button type="button" className="secondary" onClick={() => setChange('adjust')}>
                  Adjust
                </button>
              </>
            )}
            <button type="button" className="ghost" onClick={props.onClose}>
              Close ledger
            </button>
          </div>
        }
      >
        {notice && <Notice kind="success">{notice}</Notice>}
        <ErrorBanner error={seller.error ?? ledger.error} />
        {seller.data && <p className="muted">{seller.data.email}</p>}
        {!ledger.error && (
          <LedgerTable
            rows={ledger.data?.items}
            empty={
              props.admin ? 'Use “Top up” to add the first prepaid funds.' : 'No top-ups or charges yet.'
            }
          />
        )}
        {ledger.data && (
          <Pagination total={ledger.data.total} limit={LIMIT} offset={offset} onChange={setOffset} />
        )}
        <Dialog
          title={change === 'topup' ? `Top up ${name}` : `Adjust ${name}’s balance`}
          open={change !== null}
          onClose={() => setChange(null)}
        >
          {change && (
            <BalanceChangeForm
              sellerId={sellerId}
              sellerName={name}
              kind={change}
              onCancel={() => setChange(null)}
              onDone={(balance) => {
                setNotice(
                  `${change === 'topup' ? 'Topped up' : 'Adjusted'}: the balance is now ${money(balance)}.`,
                );
                setChange(null);
                setOffset(0);
              }}
            />
          )}
        </Dialog>
      </Section>
    </div>
  );
}
