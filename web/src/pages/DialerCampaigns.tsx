import { useQueryClient } from '@tanstack/react-query';
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
  percent,
  type Column,
} from '../ui';
import { ConfirmDialog } from './common/Confirm';
import { DialerCampaignForm } from './DialerCampaignForm';
import { label, useDialerCampaigns, type DialerCampaign } from './DialerShared';

/** Dialer campaigns: the list, create and edit (every field), archive. */
export function DialerCampaignsPage() {
  const qc = useQueryClient();
  const campaigns = useDialerCampaigns();
  const [editing, setEditing] = useState<DialerCampaign | 'new' | null>(null);
  const [archiving, setArchiving] = useState<DialerCampaign | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const refresh = () => qc.invalidateQueries({ queryKey: ['/api/dialer/campaigns'] });

  const columns: Column<DialerCampaign>[] = [
    { header: 'Name', cell: (c) => <strong>{c.name}</strong> },
    { header: 'Status', cell: (c) => <StatusBadge status={c.status} /> },
    { header: 'Mode', cell: (c) => label(c.mode) },
    { header: 'Dial level', cell: (c) => c.max_dial_level, className: 'num' },
    { header: 'Abandon target', cell: (c) => percent(c.abandon_target), className: 'num' },
    { header: 'Hours', cell: (c) => `${c.call_start}–${c.call_end}` },
    { header: 'Dispositions', cell: (c) => c.dispositions.join(', ') },
    {
      header: 'Actions',
      cell: (c) => (
        <div className="actions">
          <button type="button" className="secondary" onClick={() => setEditing(c)}>
            Edit<span className="sr-only"> {c.name}</span>
          </button>
          <button type="button" className="danger" onClick={() => setArchiving(c)}>
            Archive<span className="sr-only"> {c.name}</span>
          </button>
        </div>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title="Dialer campaigns"
        description="Outbound campaigns: how fast they dial, when, from which server, and what agents record after each call."
        actions={
          <button type="button" onClick={() => setEditing('new')}>
            New dialer campaign
          </button>
        }
      />
      {notice && <Notice kind="success">{notice}</Notice>}
      <Section title="Campaigns">
        <ErrorBanner error={campaigns.error} />
        {!campaigns.error && (
          <DataTable
            caption="Dialer campaigns"
            columns={columns}
            rows={campaigns.data?.items}
            rowKey={(c) => c.id}
            empty={
              <Empty title="No dialer campaign yet">
                Create one, choose its Asterisk server, then give it a lead list and activate it.
              </Empty>
            }
          />
        )}
      </Section>

      <Dialog
        title={editing === 'new' ? 'New dialer campaign' : editing ? `Edit ${editing.name}` : ''}
        open={editing !== null}
        onClose={() => setEditing(null)}
      >
        {editing !== null && (
          <DialerCampaignForm
            key={editing === 'new' ? 'new' : editing.id}
            campaign={editing === 'new' ? null : editing}
            onCancel={() => setEditing(null)}
            onDone={(c) => {
              setNotice(`${c.name} ${editing === 'new' ? 'created' : 'saved'}.`);
              setEditing(null);
              void refresh();
            }}
          />
        )}
      </Dialog>

      <ConfirmDialog
        title="Archive dialer campaign"
        open={archiving !== null}
        onClose={() => setArchiving(null)}
        confirmLabel="Archive campaign"
        danger
        action={() => api.del(`/api/dialer/campaigns/${archiving!.id}`)}
        onDone={() => {
          setNotice(`${archiving?.name ?? 'The campaign'} archived.`);
          void refresh();
        }}
      >
        <p>
          Archive <strong>{archiving?.name}</strong>? It stops dialling and leaves this list; its calls stay
          in the reports. A campaign with agents in it or calls in progress cannot be archived: pause it
          first.
        </p>
      </ConfirmDialog>
    </>
  );
}
