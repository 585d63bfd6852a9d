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
import { sellerLabel, useSellers } from '../common/sellers';
import { useInvalidateDids } from './DidActions';
import { ApproveForm, NewRequestForm, RejectForm } from './RequestForms';
import type { DidRequest } from './types';

const LIMIT = 20;
type Open = { kind: 'new' } | { kind: 'approve' | 'reject' | 'cancel'; request: DidRequest } | null;

/** DID requests: sellers ask for numbers and may withdraw; admin/staff approve or reject. */
export function DidRequests({ staff }: { staff: boolean }) {
  const [status, setStatus] = useState(staff ? 'pending' : '');
  const [offset, setOffset] = useState(0);
  const [open, setOpen] = useState<Open>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const invalidate = useInvalidateDids();
  const sellers = useSellers(staff);
  const query = { limit: LIMIT, offset, status };
  const list = useQuery({
    queryKey: ['/api/did-requests', query],
    queryFn: () => api.get<Page<DidRequest>>('/api/did-requests', query),
    placeholderData: keepPreviousData,
  });
  const close = () => setOpen(null);

  const columns: Column<DidRequest>[] = [
    { header: 'Request', cell: (r) => `#${r.id}` },
    ...(staff
      ? [
          {
            header: 'Seller',
            cell: (r: DidRequest) => sellerLabel(sellers.byId.get(r.seller_id), r.seller_id),
          },
        ]
      : []),
    { header: 'Quantity', className: 'num', cell: (r) => r.quantity },
    { header: 'Area code', cell: (r) => r.preferred_area_code ?? 'Any' },
    { header: 'Note', cell: (r) => r.note ?? '' },
    {
      header: 'Status',
      cell: (r) => (
        <div>
          <StatusBadge status={r.status} />
          {r.reject_reason && <div className="muted">{r.reject_reason}</div>}
        </div>
      ),
    },
    {
      header: 'Numbers',
      cell: (r) =>
        r.assigned_numbers.length ? r.assigned_numbers.join(', ') : <span className="muted">—</span>,
    },
    { header: 'Asked', cell: (r) => dateTime(r.created_at) },
    {
      header: 'Actions',
      cell: (r) =>
        r.status !== 'pending' ? (
          <span className="muted">{r.processed_at ? `Processed ${dateTime(r.processed_at)}` : ''}</span>
        ) : staff ? (
          <div className="actions">
            <button type="button" onClick={() => setOpen({ kind: 'approve', request: r })}>
              Approve<span className="sr-only"> request {r.id}</span>
            </button>
            <button type="button" className="danger" onClick={() => setOpen({ kind: 'reject', request: r })}>
              Reject<span className="sr-only"> request {r.id}</span>
            </button>
          </div>
        ) : (
          <button type="button" className="danger" onClick={() => setOpen({ kind: 'cancel', request: r })}>
            Cancel<span className="sr-only"> request {r.id}</span>
          </button>
        ),
    },
  ];

  return (
    <Section
      title="DID requests"
      actions={
        !staff && (
          <button type="button" onClick={() => setOpen({ kind: 'new' })}>
            Request numbers
          </button>
        )
      }
    >
      {notice && <Notice kind="success">{notice}</Notice>}
      <div className="filters">
        <Field label="Status">
          {(id) => (
            <select
              id={id}
              value={status}
              onChange={(e) => {
                setStatus(e.target.value);
                setOffset(0);
              }}
            >
              <option value="">Any</option>
              <option value="pending">Pending</option>
              <option value="approved">Approved</option>
              <option value="rejected">Rejected</option>
              <option value="cancelled">Cancelled</option>
            </select>
          )}
        </Field>
      </div>
      <ErrorBanner error={list.error} />
      {!list.error && (
        <DataTable
          caption="DID requests"
          columns={columns}
          rows={list.data?.items}
          rowKey={(r) => r.id}
          empty={
            status === 'pending' && staff ? (
              <Empty title="No pending requests">
                Sellers’ requests for numbers appear here to approve or reject.
              </Empty>
            ) : status ? (
              <Empty title={`No ${status} requests`}>Choose another status to see other requests.</Empty>
            ) : staff ? (
              <Empty title="No requests yet">Sellers’ requests for numbers appear here.</Empty>
            ) : (
              <Empty title="You have not asked for numbers yet">
                Use “Request numbers” to ask for DIDs; you are notified when they are assigned.
              </Empty>
            )
          }
        />
      )}
      {list.data && <Pagination total={list.data.total} limit={LIMIT} offset={offset} onChange={setOffset} />}

      <Dialog title="Request numbers" open={open?.kind === 'new'} onClose={close}>
        <NewRequestForm
          onCancel={close}
          onDone={(r) => {
            setNotice(`Request #${r.id} sent. You will be notified when it is processed.`);
            close();
          }}
        />
      </Dialog>
      {open && 'request' in open && (
        <>
          <Dialog
            title={`Approve request #${open.request.id}`}
            open={open.kind === 'approve'}
            onClose={close}
          >
            <ApproveForm
              request={open.request}
              onCancel={close}
              onDone={(r) => {
                setNotice(`Request #${r.id} approved: ${r.assigned_numbers.join(', ')}.`);
                close();
              }}
            />
          </Dialog>
          <Dialog title={`Reject request #${open.request.id}`} open={open.kind === 'reject'} onClose={close}>
            <RejectForm
              request={open.request}
              onCancel={close}
              onDone={() => {
                setNotice(`Request #${open.request.id} rejected; the seller has been notified.`);
                close();
              }}
            />
          </Dialog>
          <ConfirmDialog
            title={`Cancel request #${open.request.id}`}
            open={open.kind === 'cancel'}
            onClose={close}
            confirmLabel="Cancel request"
            cancelLabel="Keep request"
            danger
            action={() => api.post(`/api/did-requests/${open.request.id}/cancel`)}
            onDone={() => {
              setNotice(`Request #${open.request.id} cancelled.`);
              void invalidate();
            }}
          >
            <p>
              Withdraw your request for {open.request.quantity} number(s)? You can send a new one at any time.
            </p>
          </ConfirmDialog>
        </>
      )}
    </Section>
  );
}
