import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, type Page } from '../api';
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
  type Column,
} from '../ui';
import { hoursSummary } from './common/BusinessHoursEditor';
import { ConfirmDialog } from './common/Confirm';
import { ClientForm, type Client } from './clients/ClientForm';
import { BuyerPostback } from './postbacks/BuyerPostback';

const LIMIT = 50;

/** Buyer call centers (admin and staff): list, create, edit, enable/disable, delete. */

const timeOnly = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

export function ClientsPage() {
  const qc = useQueryClient();
  const [q, setQ] = useState('');
  const [status, setStatus] = useState('');
  const [offset, setOffset] = useState(0);
  const [editing, setEditing] = useState<Client | 'new' | null>(null);
  const [deleting, setDeleting] = useState<Client | null>(null);
  const [postback, setPostback] = useState<Client | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const query = { limit: LIMIT, offset, status, q: q.trim() };
  const list = useQuery({
    queryKey: ['/api/clients', query],
    queryFn: () => api.get<Page<Client>>('/api/clients', query),
    placeholderData: keepPreviousData,
  });
  const toggle = useMutation({
    mutationFn: (c: Client) =>
      // The status shown is what the person flips: refused (412) if someone changed it since.
      api.patch<Client>(
        `/api/clients/${c.id}`,
        { status: c.status === 'active' ? 'disabled' : 'active' },
        c.version,
      ),
    onSuccess: (c) => {
      setNotice(`${c.name} is now ${c.status}.`);
      return qc.invalidateQueries({ queryKey: ['/api/clients'] });
    },
    // A refusal shows the list as it is now, next to the message saying why.
    onError: () => qc.invalidateQueries({ queryKey: ['/api/clients'] }),
  });

  const columns: Column<Client>[] = [
    {
      header: 'Client',
      cell: (c) => (
        <div>
          <strong>{c.name}</strong>
          <div className="muted">{c.client_identifier}</div>
        </div>
      ),
    },
    {
      header: 'Status',
      cell: (c) => (
        <div>
          <StatusBadge status={c.status} />
          {c.paused_until && new Date(c.paused_until) > new Date() && (
            <div className="muted">
              Paused (unanswered calls) until {timeOnly.format(new Date(c.paused_until))}
            </div>
          )}
        </div>
      ),
    },
    { header: 'SIP', cell: sipSummary },
    { header: 'Codecs', cell: (c) => c.codecs.join(', ') },
    { header: 'Max concurrent', className: 'num', cell: (c) => c.max_concurrency ?? 'No limit' },
    {
      header: 'Hours',
      cell: (c) => (
        <div>
          {hoursSummary(c.business_hours)}
          <div className="muted">{c.timezone}</div>
        </div>
      ),
    },
    {
      header: 'Actions',
      cell: (c) => (
        <div className="actions">
          <button type="button" className="secondary" onClick={() => setEditing(c)}>
            Edit<span className="sr-only"> {c.name}</span>
          </button>
          <button
            type="button"
            className="secondary"
            disabled={toggle.isPending}
            onClick={() => {
              setNotice(null);
              toggle.mutate(c);
            }}
          >
            {c.status === 'active' ? 'Disable' : 'Enable'}
            <span className="sr-only"> {c.name}</span>
          </button>
          <button type="button" className="secondary" onClick={() => setPostback(c)}>
            Postback URL<span className="sr-only"> of {c.name}</span>
          </button>
          <button type="button" className="danger" onClick={() => setDeleting(c)}>
            Delete<span className="sr-only"> {c.name}</span>
          </button>
        </div>
      ),
    },
  ];

  const filtered = q.trim() !== '' || status !== '';
  return (
    <>
      <PageHeader
        title="Clients"
        description="Buyer call centers that receive routed calls. Each active client is a PJSIP endpoint in Asterisk."
        actions={
          <button type="button" onClick={() => setEditing('new')}>
            Add client
          </button>
        }
      />
      {notice && <Notice kind="success">{notice}</Notice>}
      <ErrorBanner error={toggle.error} />
      <Section title="All clients">
        <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
          <Field label="Search">
            {(id) => (
              <input
                id={id}
                type="search"
                maxLength={100}
                placeholder="Name or identifier"
                value={q}
                onChange={(e) => {
                  setQ(e.target.value);
                  setOffset(0);
                }}
              />
            )}
          </Field>
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
                <option value="active">Active</option>
                <option value="disabled">Disabled</option>
              </select>
            )}
          </Field>
        </form>
        <ErrorBanner error={list.error} />
        {!list.error && (
          <DataTable
            caption="Clients"
            columns={columns}
            rows={list.data?.items}
            rowKey={(c) => c.id}
            empty={
              filtered ? (
                <Empty title="No client matches these filters">Clear the search or status filter.</Empty>
              ) : (
                <Empty title="No clients yet">
                  Add the first buyer call center with “Add client”, then link it to a campaign.
                </Empty>
              )
            }
          />
        )}
        {list.data && (
          <Pagination total={list.data.total} limit={LIMIT} offset={offset} onChange={setOffset} />
        )}
      </Section>

      <Dialog
        title={editing === 'new' ? 'Add client' : editing ? `Edit ${editing.name}` : ''}
        open={editing !== null}
        onClose={() => setEditing(null)}
      >
        <ClientForm
          client={editing === 'new' ? null : editing}
          onCancel={() => setEditing(null)}
          onDone={(c) => {
            setNotice(editing === 'new' ? `Client ${c.name} created.` : `Client ${c.name} saved.`);
            setEditing(null);
          }}
        />
      </Dialog>

      <Dialog
        title={postback ? `Postback URL: ${postback.name}` : ''}
        open={postback !== null}
        onClose={() => setPostback(null)}
      >
        {postback && <BuyerPostback clientId={postback.id} clientName={postback.name} />}
      </Dialog>

      <ConfirmDialog
        title="Delete client"
        open={deleting !== null}
        onClose={() => setDeleting(null)}
        confirmLabel="Delete client"
        danger
        action={() => api.del(`/api/clients/${deleting!.id}`, deleting!.version)}
        onDone={() => {
          setNotice(`Client ${deleting?.name ?? ''} deleted.`);
          void qc.invalidateQueries({ queryKey: ['/api/clients'] });
        }}
      >
        <p>
          Delete <strong>{deleting?.name}</strong> and its PJSIP endpoint? This cannot be undone. A client
          that is still linked to a campaign cannot be deleted — disable it instead.
        </p>
      </ConfirmDialog>
    </>
  );
}

function sipSummary(c: Client) {
  const where =
    c.sip_mode === 'static'
      ? `${c.sip_host ?? '?'}${c.sip_port ? `:${c.sip_port}` : ''}`
      : `Registers${c.sip_host ? ` from ${c.sip_host}` : ''}`;
  return (
    <div>
      {where}
      <div className="muted">
        {c.sip_transport.toUpperCase()}
        {c.auth_username ? ` · auth ${c.auth_username}` : ' · no auth'}
      </div>
    </div>
  );
}
