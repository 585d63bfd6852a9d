import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
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
  dateTime,
  type Column,
} from '../ui';
import { ConfirmDialog } from './common/Confirm';
import { AgentForm } from './agents/AgentForm';
import { SecretDialog } from './agents/SecretDialog';
import { AGENT_POLL_MS, phoneSummary, statusDetail, type Agent, type AgentWithSecret } from './agents/types';

const LIMIT = 50;

/** Agents (admin and staff): extensions, live status and registration; create, edit, new secret, delete. */
export function AgentsPage() {
  const qc = useQueryClient();
  const [q, setQ] = useState('');
  const [status, setStatus] = useState('');
  const [offset, setOffset] = useState(0);
  const [editing, setEditing] = useState<Agent | 'new' | null>(null);
  const [resetting, setResetting] = useState<Agent | null>(null);
  const [deleting, setDeleting] = useState<Agent | null>(null);
  const [secret, setSecret] = useState<AgentWithSecret | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const query = { limit: LIMIT, offset, status, q: q.trim() };
  const list = useQuery({
    queryKey: ['/api/agents', query],
    queryFn: () => api.get<Page<Agent>>('/api/agents', query),
    placeholderData: keepPreviousData,
    // Statuses and registrations change on the server (calls, phones): read them again.
    refetchInterval: AGENT_POLL_MS,
  });
  const refresh = () => qc.invalidateQueries({ queryKey: ['/api/agents'] });

  const columns: Column<Agent>[] = [
    {
      header: 'Agent',
      cell: (a) => (
        <div>
          <strong>{a.user_name}</strong>
          <div className="muted">{a.user_email}</div>
        </div>
      ),
    },
    {
      header: 'Extension',
      cell: (a) => (
        <div>
          {a.extension}
          <div className="muted">
            {a.endpoint_id}
            {a.webrtc ? ' · WebRTC' : ''}
          </div>
        </div>
      ),
    },
    {
      header: 'Status',
      cell: (a) => (
        <div>
          <StatusBadge status={a.status} />
          {statusDetail(a) && <div>{statusDetail(a)}</div>}
          <div className="muted">since {dateTime(a.status_changed_at)}</div>
        </div>
      ),
    },
    {
      header: 'Phone',
      cell: (a) => (
        <div>
          <StatusBadge status={a.registration} />
          <div className="muted">{phoneSummary(a)}</div>
        </div>
      ),
    },
    {
      header: 'Actions',
      cell: (a) => (
        <div className="actions">
          <button type="button" className="secondary" onClick={() => setEditing(a)}>
            Edit<span className="sr-only"> {a.user_name}</span>
          </button>
          <button type="button" className="secondary" onClick={() => setResetting(a)}>
            New secret<span className="sr-only"> for {a.user_name}</span>
          </button>
          <button type="button" className="danger" onClick={() => setDeleting(a)}>
            Delete<span className="sr-only"> {a.user_name}</span>
          </button>
        </div>
      ),
    },
  ];

  const filtered = q.trim() !== '' || status !== '';
  return (
    <>
      <PageHeader
        title="Agents"
        description="Agents' extensions: each is a PJSIP endpoint in Asterisk. Status and phone registration update by themselves."
        actions={
          <button type="button" onClick={() => setEditing('new')}>
            Add agent
          </button>
        }
      />
      {notice && <Notice kind="success">{notice}</Notice>}
      <Section title="All agents">
        <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
          <Field label="Search">
            {(id) => (
              <input
                id={id}
                type="search"
                maxLength={100}
                placeholder="Name, e-mail or extension"
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
                {['available', 'ringing', 'on_call', 'wrap_up', 'paused', 'offline'].map((s) => (
                  <option key={s} value={s}>
                    {s.replace('_', ' ')}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </form>
        <ErrorBanner error={list.error} />
        {!list.error && (
          <DataTable
            caption="Agents"
            columns={columns}
            rows={list.data?.items}
            rowKey={(a) => a.id}
            empty={
              filtered ? (
                <Empty title="No agent matches these filters">Clear the search or status filter.</Empty>
              ) : (
                <Empty title="No agents yet">
                  Give a user with role agent an extension with “Add agent”; they then see it under “My
                  phone”.
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
        title={editing === 'new' ? 'Add agent' : editing ? `Edit ${editing.user_name}` : ''}
        open={editing !== null}
        onClose={() => setEditing(null)}
      >
        <AgentForm
          agent={editing === 'new' ? null : editing}
          onCancel={() => setEditing(null)}
          onCreated={(created) => {
            setEditing(null);
            setNotice(`Agent ${created.agent.user_name} created with extension ${created.agent.extension}.`);
            setSecret(created);
          }}
          onSaved={(a) => {
            setEditing(null);
            setNotice(`Agent ${a.user_name} saved.`);
          }}
        />
      </Dialog>

      <SecretDialog shown={secret} onClose={() => setSecret(null)} />

      <ConfirmDialog
        title="New SIP secret"
        open={resetting !== null}
        onClose={() => setResetting(null)}
        confirmLabel="Make a new secret"
        action={async () => setSecret(await api.post<AgentWithSecret>(`/api/agents/${resetting!.id}/secret`))}
        onDone={() => void refresh()}
      >
        <p>
          Make a new SIP password for <strong>{resetting?.user_name}</strong>? The phone keeps working until
          it registers again, then needs the new password.
        </p>
      </ConfirmDialog>

      <ConfirmDialog
        title="Delete agent"
        open={deleting !== null}
        onClose={() => setDeleting(null)}
        confirmLabel="Delete agent"
        danger
        action={() => api.del(`/api/agents/${deleting!.id}`, deleting!.version)}
        onDone={() => {
          setNotice(`Agent ${deleting?.user_name ?? ''} deleted.`);
          void refresh();
        }}
      >
        <p>
          Delete the extension of <strong>{deleting?.user_name}</strong> and its PJSIP endpoint? The phone
          stops working; the user account and the status history stay. An agent on a call cannot be deleted.
        </p>
      </ConfirmDialog>
    </>
  );
}
