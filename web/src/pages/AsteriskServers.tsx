import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api';
import {
  DataTable,
  Dialog,
  Empty,
  ErrorBanner,
  Notice,
  PageHeader,
  Section,
  StatusBadge,
  dateTime,
  type Column,
} from '../ui';
import { ConfirmDialog } from './common/Confirm';
import { ServerForm, type AsteriskServer } from './servers/ServerForm';

/**
 * Asterisk servers (admin): where CapConduit reaches ARI, each server's health (the last
 * connection test, or the connector's), create, edit, delete and "Test connection". The ARI
 * password is write-only: the API never returns it, so the page never has it to show.
 */
export function AsteriskServersPage() {
  const qc = useQueryClient();
  const [editing, setEditing] = useState<AsteriskServer | 'new' | null>(null);
  const [deleting, setDeleting] = useState<AsteriskServer | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const list = useQuery({
    queryKey: ['/api/asterisk-servers'],
    queryFn: () => api.get<AsteriskServer[]>('/api/asterisk-servers'),
    // The connector updates health as it connects and loses servers.
    refetchInterval: 15_000,
  });
  const refresh = () => qc.invalidateQueries({ queryKey: ['/api/asterisk-servers'] });
  const test = useMutation({
    mutationFn: (s: AsteriskServer) => api.post<AsteriskServer>(`/api/asterisk-servers/${s.id}/test`),
    onMutate: () => setNotice(null),
    onSuccess: (s) => {
      qc.setQueryData<AsteriskServer[]>(['/api/asterisk-servers'], (old) =>
        old?.map((x) => (x.id === s.id ? s : x)),
      );
    },
  });
  const tested = test.data;

  const columns: Column<AsteriskServer>[] = [
    {
      header: 'Server',
      cell: (s) => (
        <div>
          <strong>{s.name}</strong>
          <div className="muted">PBX {s.pbx}</div>
        </div>
      ),
    },
    {
      header: 'ARI',
      cell: (s) => (
        <div>
          <code>{s.ari_url}</code>
          <div className="muted">
            user {s.ari_username} · app {s.app_name}
          </div>
        </div>
      ),
    },
    { header: 'Outbound trunk', cell: (s) => <code>{s.outbound_trunk}</code> },
    {
      header: 'Enabled',
      cell: (s) => <StatusBadge status={s.enabled ? 'enabled' : 'disabled'} />,
    },
    {
      header: 'Health',
      cell: (s) => (
        <div>
          <StatusBadge status={s.status} />
          {s.asterisk_version && <div>Asterisk {s.asterisk_version}</div>}
          {s.last_error && <div className="field-error">{s.last_error}</div>}
          <div className="muted">{s.checked_at ? `checked ${dateTime(s.checked_at)}` : 'never checked'}</div>
        </div>
      ),
    },
    {
      header: 'Actions',
      cell: (s) => (
        <div className="actions">
          <button
            type="button"
            className="secondary"
            disabled={test.isPending}
            onClick={() => test.mutate(s)}
          >
            {test.isPending && test.variables?.id === s.id ? 'Testing…' : 'Test connection'}
            <span className="sr-only"> to {s.name}</span>
          </button>
          <button type="button" className="secondary" onClick={() => setEditing(s)}>
            Edit<span className="sr-only"> {s.name}</span>
          </button>
          <button type="button" className="danger" onClick={() => setDeleting(s)}>
            Delete<span className="sr-only"> {s.name}</span>
          </button>
        </div>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title="Asterisk servers"
        description="The Asterisk servers CapConduit controls through ARI: agents' calls, transfers and recordings."
        actions={
          <button type="button" onClick={() => setEditing('new')}>
            Add server
          </button>
        }
      />
      {notice && <Notice kind="success">{notice}</Notice>}
      <ErrorBanner error={test.error} />
      {tested && !test.isPending && (
        <div className={`banner ${tested.status === 'ok' ? 'success' : 'error'}`} role="status">
          {tested.status === 'ok'
            ? `Connected to ${tested.name}: Asterisk ${tested.asterisk_version ?? 'unknown version'}.`
            : `${tested.name} did not answer: ${tested.last_error ?? 'unknown error'}`}
        </div>
      )}
      <Section title="Servers">
        <ErrorBanner error={list.error} />
        {!list.error && (
          <DataTable
            caption="Asterisk servers"
            columns={columns}
            rows={list.data}
            rowKey={(s) => s.id}
            empty={
              <Empty title="No Asterisk server yet">
                Add one with its ARI address and credentials (ari.conf), then test the connection. Agents’
                calls go through it.
              </Empty>
            }
          />
        )}
      </Section>

      <Dialog
        title={editing === 'new' ? 'Add Asterisk server' : editing ? `Edit ${editing.name}` : ''}
        open={editing !== null}
        onClose={() => setEditing(null)}
      >
        <ServerForm
          server={editing === 'new' ? null : editing}
          onCancel={() => setEditing(null)}
          onDone={(s) => {
            setNotice(`${s.name} ${editing === 'new' ? 'added' : 'saved'}. Test the connection to check it.`);
            setEditing(null);
          }}
        />
      </Dialog>

      <ConfirmDialog
        title="Delete Asterisk server"
        open={deleting !== null}
        onClose={() => setDeleting(null)}
        confirmLabel="Delete server"
        danger
        action={() => api.del(`/api/asterisk-servers/${deleting!.id}`, deleting!.version)}
        onDone={() => {
          setNotice(`${deleting?.name ?? 'The server'} deleted.`);
          void refresh();
        }}
      >
        <p>
          Delete <strong>{deleting?.name}</strong>? CapConduit stops connecting to it. A server with calls in
          progress cannot be deleted: disable it first and delete it once they end.
        </p>
      </ConfirmDialog>
    </>
  );
}
