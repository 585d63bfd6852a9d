import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, type Page } from '../api';
import { useAuth } from '../auth';
import {
  DataTable,
  Dialog,
  Empty,
  ErrorBanner,
  Notice,
  PageHeader,
  Section,
  StatusBadge,
  type Column,
} from '../ui';
import { ConfirmDialog } from './common/Confirm';
import { sellerLabel, useSellers } from './common/sellers';
import { DeliveryLog, DELIVERIES_KEY } from './webhooks/DeliveryLog';
import { SecretDialog } from './webhooks/SecretDialog';
import { SubscriptionForm } from './webhooks/SubscriptionForm';
import { WRAP, type Subscription, type SubscriptionWithSecret } from './webhooks/types';

const KEY = '/api/webhooks';
const QUERY = { limit: 500, offset: 0 };

/**
 * Webhooks (sellers: their own; admins: any, and all-sellers ones): subscriptions with their
 * events, the signing secret shown once, a test event, and the delivery log.
 */
export function WebhooksPage() {
  const { me } = useAuth();
  const isAdmin = me?.role === 'admin';
  const qc = useQueryClient();
  const [editing, setEditing] = useState<Subscription | 'new' | null>(null);
  const [deleting, setDeleting] = useState<Subscription | null>(null);
  const [secret, setSecret] = useState<SubscriptionWithSecret | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const sellers = useSellers(isAdmin);
  const list = useQuery({ queryKey: [KEY, QUERY], queryFn: () => api.get<Page<Subscription>>(KEY, QUERY) });
  const refresh = () => qc.invalidateQueries({ queryKey: [KEY] });
  const test = useMutation({
    mutationFn: (s: Subscription) => api.post(`/api/webhooks/${s.id}/test`),
    onMutate: () => setNotice(null),
    onSuccess: (_d, s) => {
      setNotice(`A test event is on its way to ${s.url}: see the delivery log below.`);
      void qc.invalidateQueries({ queryKey: [DELIVERIES_KEY] });
    },
  });
  const rotate = useMutation({
    mutationFn: (s: Subscription) => api.post<SubscriptionWithSecret>(`/api/webhooks/${s.id}/rotate-secret`),
    onSuccess: setSecret,
  });

  const columns: Column<Subscription>[] = [
    {
      header: 'URL',
      cell: (s) => (
        <div>
          <strong style={WRAP}>{s.url}</strong>
          {s.description && <div className="muted">{s.description}</div>}
        </div>
      ),
    },
    ...(isAdmin
      ? [
          {
            header: 'Whose events',
            cell: (s: Subscription) =>
              s.seller_id === null ? 'All sellers' : sellerLabel(sellers.byId.get(s.seller_id), s.seller_id),
          },
        ]
      : []),
    {
      header: 'Events',
      cell: (s) => (
        <div className="actions">
          {s.events.map((e) => (
            <code key={e}>{e}</code>
          ))}
        </div>
      ),
    },
    { header: 'Status', cell: (s) => <StatusBadge status={s.active ? 'active' : 'paused'} /> },
    {
      header: 'Actions',
      cell: (s) => (
        <div className="actions">
          <button
            type="button"
            className="secondary"
            disabled={test.isPending || !s.active}
            onClick={() => test.mutate(s)}
          >
            Send test event<span className="sr-only"> to {s.url}</span>
          </button>
          <button type="button" className="secondary" onClick={() => setEditing(s)}>
            Edit<span className="sr-only"> {s.url}</span>
          </button>
          <button
            type="button"
            className="secondary"
            disabled={rotate.isPending}
            onClick={() => rotate.mutate(s)}
          >
            New secret<span className="sr-only"> for {s.url}</span>
          </button>
          <button type="button" className="danger" onClick={() => setDeleting(s)}>
            Delete<span className="sr-only"> {s.url}</span>
          </button>
        </div>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title="Webhooks"
        description="CapConduit POSTs your events (calls, caps, balance, caller IDs) to your URLs, signed, retried for a day when your server is down."
        actions={
          <button type="button" onClick={() => setEditing('new')}>
            Add subscription
          </button>
        }
      />
      {notice && <Notice kind="success">{notice}</Notice>}
      <ErrorBanner error={test.error ?? rotate.error} />
      <Section title="Subscriptions">
        <ErrorBanner error={list.error} />
        {!list.error && (
          <DataTable
            caption="Webhook subscriptions"
            columns={columns}
            rows={list.data?.items}
            rowKey={(s) => s.id}
            empty={
              <Empty title="No subscription yet">
                Add the URL of your server and the events it wants; then send it a test event.
              </Empty>
            }
          />
        )}
      </Section>
      <Section title="Delivery log">
        <DeliveryLog subscriptions={list.data?.items} />
      </Section>

      <Dialog
        title={editing === 'new' ? 'Add subscription' : editing ? 'Edit subscription' : ''}
        open={editing !== null}
        onClose={() => setEditing(null)}
      >
        {editing !== null && (
          <SubscriptionForm
            subscription={editing === 'new' ? null : editing}
            isAdmin={isAdmin}
            onCreated={(s) => {
              setEditing(null);
              setSecret(s);
              void refresh();
            }}
            onSaved={() => {
              setEditing(null);
              void refresh();
            }}
            onCancel={() => setEditing(null)}
          />
        )}
      </Dialog>
      <SecretDialog shown={secret} onClose={() => setSecret(null)} />
      <ConfirmDialog
        title="Delete subscription"
        open={deleting !== null}
        onClose={() => setDeleting(null)}
        confirmLabel="Delete"
        danger
        action={() => api.del(`/api/webhooks/${deleting!.id}`, deleting!.version)}
        onDone={() => {
          void refresh();
          void qc.invalidateQueries({ queryKey: [DELIVERIES_KEY] });
        }}
      >
        <p style={WRAP}>{deleting?.url} stops receiving events, and its delivery log is deleted with it.</p>
      </ConfirmDialog>
    </>
  );
}
