import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, type Page } from '../../api';
import {
  DataTable,
  Dialog,
  Empty,
  ErrorBanner,
  Field,
  Notice,
  Pagination,
  Section,
  StatusBadge,
  dateTime,
  type Column,
} from '../../ui';
import { ConfirmDialog } from '../common/Confirm';
import { sellerLabel, useSellers, type SellerSummary } from '../common/sellers';
import { AddDidForm, BulkAddForm } from './AddDids';
import { AssignForm, NotesForm, useInvalidateDids } from './DidActions';
import { AREA_CODE_PATTERN, type CampaignName, type Did } from './types';

const LIMIT = 50;
const CAMPAIGNS_QUERY = { limit: 500, offset: 0 };

type Open = { kind: 'add' | 'bulk' } | { kind: 'assign' | 'notes' | 'unassign' | 'retire'; did: Did } | null;

/** GET /api/campaigns for names (a seller gets their own); shared with the requests section. */
export function useCampaignNames() {
  const q = useQuery({
    queryKey: ['/api/campaigns', CAMPAIGNS_QUERY],
    queryFn: () => api.get<Page<CampaignName>>('/api/campaigns', CAMPAIGNS_QUERY),
    staleTime: 30_000,
  });
  return { campaigns: q.data?.items, byId: new Map((q.data?.items ?? []).map((c) => [c.id, c])) };
}

/** The DID inventory: everything for admin/staff (with actions), a seller's own numbers for a seller. */
export function DidInventory({ staff }: { staff: boolean }) {
  const [filter, setFilter] = useState({ status: '', seller_id: '', campaign_id: '', area_code: '', q: '' });
  const [offset, setOffset] = useState(0);
  const [open, setOpen] = useState<Open>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const invalidate = useInvalidateDids();
  const sellers = useSellers(staff);
  const campaigns = useCampaignNames();

  const areaOk = filter.area_code === '' || /^[0-9]{2,5}$/.test(filter.area_code);
  const query = {
    limit: LIMIT,
    offset,
    status: filter.status,
    seller_id: staff ? filter.seller_id : '',
    campaign_id: filter.campaign_id,
    area_code: areaOk ? filter.area_code : '',
    q: filter.q.trim(),
  };
  const list = useQuery({
    queryKey: ['/api/dids', query],
    queryFn: () => api.get<Page<Did>>('/api/dids', query),
    placeholderData: keepPreviousData,
  });
  const setF = (k: keyof typeof filter, v: string) => {
    setFilter((f) => ({ ...f, [k]: v }));
    setOffset(0);
  };
  const close = () => setOpen(null);
  const done = (message: string) => {
    setNotice(message);
    setOpen(null);
  };

  const columns: Column<Did>[] = [
    {
      header: 'Number',
      cell: (d) => (
        <div>
          <strong>{d.number}</strong>
          <div className="muted">{[d.country, d.area_code].filter(Boolean).join(' ')}</div>
          {d.notes && <div className="muted">{d.notes}</div>}
        </div>
      ),
    },
    { header: 'Status', cell: (d) => <StatusBadge status={d.status} /> },
    ...(staff
      ? [
          {
            header: 'Seller',
            cell: (d: Did) => <SellerCell id={d.seller_id} seller={sellers.byId.get(d.seller_id ?? 0)} />,
          },
        ]
      : []),
    {
      header: 'Campaign',
      cell: (d) =>
        d.campaign_id === null ? (
          <span className="muted">None</span>
        ) : (
          (campaigns.byId.get(d.campaign_id)?.name ?? `Campaign #${d.campaign_id}`)
        ),
    },
    { header: 'Assigned', cell: (d) => dateTime(d.assigned_at) },
  ];
  if (staff) columns.push({ header: 'Actions', cell: (d) => <RowActions did={d} onOpen={setOpen} /> });

  const filtered = Object.values(filter).some((v) => v !== '');
  return (
    <Section
      title={staff ? 'Inventory' : 'My numbers'}
      actions={
        staff && (
          <div className="actions">
            <button type="button" onClick={() => setOpen({ kind: 'add' })}>
              Add number
            </button>
            <button type="button" className="secondary" onClick={() => setOpen({ kind: 'bulk' })}>
              Bulk add
            </button>
          </div>
        )
      }
    >
      {notice && <Notice kind="success">{notice}</Notice>}
      <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <Field label="Search">
          {(id) => (
            <input
              id={id}
              type="search"
              maxLength={32}
              placeholder="Digits of the number"
              value={filter.q}
              onChange={(e) => setF('q', e.target.value)}
            />
          )}
        </Field>
        <Field label="Status">
          {(id) => (
            <select id={id} value={filter.status} onChange={(e) => setF('status', e.target.value)}>
              <option value="">Any</option>
              {staff && <option value="available">Available</option>}
              <option value="assigned">Assigned</option>
              <option value="retired">Retired</option>
            </select>
          )}
        </Field>
        {staff && (
          <Field label="Seller">
            {(id) => (
              <select id={id} value={filter.seller_id} onChange={(e) => setF('seller_id', e.target.value)}>
                <option value="">Any</option>
                {sellers.sellers?.map((s) => (
                  <option key={s.seller_id} value={s.seller_id}>
                    {s.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
        <Field label="Campaign">
          {(id) => (
            <select id={id} value={filter.campaign_id} onChange={(e) => setF('campaign_id', e.target.value)}>
              <option value="">Any</option>
              {campaigns.campaigns?.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Area code" error={areaOk ? undefined : '2 to 5 digits'}>
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              inputMode="numeric"
              pattern={AREA_CODE_PATTERN}
              maxLength={5}
              size={6}
              value={filter.area_code}
              onChange={(e) => setF('area_code', e.target.value.trim())}
            />
          )}
        </Field>
      </form>
      <ErrorBanner error={list.error} />
      {!list.error && (
        <DataTable
          caption="DIDs"
          columns={columns}
          rows={list.data?.items}
          rowKey={(d) => d.id}
          empty={
            filtered ? (
              <Empty title="No number matches these filters">Change or clear the filters.</Empty>
            ) : staff ? (
              <Empty title="The inventory is empty">
                Add numbers one at a time with “Add number”, or paste a list with “Bulk add”.
              </Empty>
            ) : (
              <Empty title="You have no numbers yet">
                Ask for numbers with “Request numbers” below; you are notified when they are assigned.
              </Empty>
            )
          }
        />
      )}
      {list.data && <Pagination total={list.data.total} limit={LIMIT} offset={offset} onChange={setOffset} />}

      <Dialog title="Add a number" open={open?.kind === 'add'} onClose={close}>
        <AddDidForm onCancel={close} onDone={(d) => done(`${d.number} added as available.`)} />
      </Dialog>
      <Dialog title="Add numbers in bulk" open={open?.kind === 'bulk'} onClose={close}>
        <BulkAddForm onClose={close} />
      </Dialog>
      {open && 'did' in open && (
        <>
          <Dialog title={`Assign ${open.did.number}`} open={open.kind === 'assign'} onClose={close}>
            <AssignForm
              did={open.did}
              onCancel={close}
              onDone={(d) =>
                done(
                  `${d.number} assigned to ${sellerLabel(sellers.byId.get(d.seller_id ?? 0), d.seller_id)}.`,
                )
              }
            />
          </Dialog>
          <Dialog title={`Notes for ${open.did.number}`} open={open.kind === 'notes'} onClose={close}>
            <NotesForm did={open.did} onCancel={close} onDone={(d) => done(`Notes for ${d.number} saved.`)} />
          </Dialog>
          <ConfirmDialog
            title={`Unassign ${open.did.number}`}
            open={open.kind === 'unassign'}
            onClose={close}
            confirmLabel="Unassign"
            danger
            action={() => api.post(`/api/dids/${open.did.id}/unassign`)}
            onDone={() => {
              setNotice(`${open.did.number} is back in the available pool.`);
              void invalidate();
            }}
          >
            <p>
              Take <strong>{open.did.number}</strong> back from{' '}
              {sellerLabel(sellers.byId.get(open.did.seller_id ?? 0), open.did.seller_id)}? It leaves its
              campaign and calls to it are no longer routed.
            </p>
          </ConfirmDialog>
          <ConfirmDialog
            title={`Retire ${open.did.number}`}
            open={open.kind === 'retire'}
            onClose={close}
            confirmLabel="Retire for good"
            danger
            action={() => api.post(`/api/dids/${open.did.id}/retire`)}
            onDone={() => {
              setNotice(`${open.did.number} retired.`);
              void invalidate();
            }}
          >
            <p>
              Retire <strong>{open.did.number}</strong>? A retired number is never routed or assigned again,
              and this cannot be undone.
            </p>
          </ConfirmDialog>
        </>
      )}
    </Section>
  );
}

function SellerCell(props: { id: number | null; seller: SellerSummary | undefined }) {
  if (props.id === null) return <span className="muted">—</span>;
  if (!props.seller) return <>Seller #{props.id}</>;
  return (
    <div>
      {props.seller.name}
      <div className="muted">{props.seller.email}</div>
    </div>
  );
}

function RowActions({ did, onOpen }: { did: Did; onOpen: (o: Open) => void }) {
  const label = <span className="sr-only"> {did.number}</span>;
  if (did.status === 'retired') return <span className="muted">Retired {dateTime(did.retired_at)}</span>;
  return (
    <div className="actions">
      {did.status === 'available' && (
        <button type="button" className="secondary" onClick={() => onOpen({ kind: 'assign', did })}>
          Assign{label}
        </button>
      )}
      {did.status === 'assigned' && (
        <button type="button" className="secondary" onClick={() => onOpen({ kind: 'unassign', did })}>
          Unassign{label}
        </button>
      )}
      <button type="button" className="secondary" onClick={() => onOpen({ kind: 'notes', did })}>
        Notes{label}
      </button>
      <button type="button" className="danger" onClick={() => onOpen({ kind: 'retire', did })}>
        Retire{label}
      </button>
    </div>
  );
}
