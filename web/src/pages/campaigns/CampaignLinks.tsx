import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api';
import { DataTable, Dialog, Empty, ErrorBanner, Gauge, Section, StatusBadge, money } from '../../ui';
import type { Campaign } from './CampaignForm';
import { LinkForm, type CampaignLink } from './LinkForm';

/** A campaign's client links in priority order, each cap shown as usage against it. */
/** Why a link takes no calls now, before any cap (routing's own reasons). */
const NOT_TAKING: Record<string, string> = {
  client_disabled: 'client disabled',
  client_closed: 'closed now (client hours)',
  link_schedule_closed: 'outside its schedule now',
  client_auto_paused: 'paused after unanswered calls',
};

export function CampaignLinks({ campaign, onChange }: { campaign: Campaign; onChange: () => void }) {
  const qc = useQueryClient();
  const key = [`/api/campaigns/${campaign.id}/links`];
  const q = useQuery({
    queryKey: key,
    queryFn: () => api.get<{ items: CampaignLink[] }>(`/api/campaigns/${campaign.id}/links`),
    refetchInterval: 10_000,
  });
  const [editing, setEditing] = useState<CampaignLink | 'new' | null>(null);
  const [error, setError] = useState<unknown>(null);
  const done = () => {
    setEditing(null);
    void qc.invalidateQueries({ queryKey: key });
    void qc.invalidateQueries({ queryKey: ['/api/stats/overview'] });
    onChange();
  };
  const act = async (fn: () => Promise<unknown>) => {
    setError(null);
    try {
      await fn();
      done();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <Section title="Clients (links)" actions={<button onClick={() => setEditing('new')}>Add link</button>}>
      <ErrorBanner error={q.error ?? error} />
      <DataTable<CampaignLink>
        caption="Clients linked to this campaign, in priority order"
        rows={q.data?.items}
        rowKey={(l) => l.id}
        empty={
          <Empty title="No clients linked">
            Calls to this campaign have nowhere to go yet. Add a link to a client, with its priority and caps.
          </Empty>
        }
        columns={[
          {
            header: 'Client',
            cell: (l) => (
              <>
                {l.client_name} {l.client_status !== 'active' && <StatusBadge status={l.client_status} />}
              </>
            ),
          },
          {
            header: 'Status',
            cell: (l) => (
              <div>
                <StatusBadge status={l.status} />
                {l.unavailable_now && l.unavailable_now !== 'link_paused' && (
                  <small className="muted"> {NOT_TAKING[l.unavailable_now]}</small>
                )}
              </div>
            ),
          },
          { header: 'Priority', cell: (l) => l.forwarding_priority, className: 'num' },
          { header: 'Weight', cell: (l) => l.weight, className: 'num' },
          {
            header: 'Usage against caps',
            cell: (l) => (
              <div className="gauges">
                <Gauge label="Concurrent" used={l.in_flight} limit={l.max_concurrency} />
                <Gauge
                  label="Total"
                  used={l.current_total_calls + l.in_flight}
                  limit={l.total_calls_allowed}
                />
                <Gauge label="This hour" used={l.hour_count} limit={l.hourly_cap} />
                <Gauge label="Today" used={l.day_count} limit={l.daily_cap} />
                <Gauge label="This month" used={l.month_count} limit={l.monthly_cap} />
              </div>
            ),
          },
          { header: 'Payout', cell: (l) => money(l.payout), className: 'num' },
          { header: 'Min billable', cell: (l) => `${l.min_billable_duration} s`, className: 'num' },
          {
            header: 'Actions',
            cell: (l) => (
              <div className="actions">
                <button className="secondary" onClick={() => setEditing(l)}>
                  Edit
                </button>
                <button
                  className="secondary"
                  onClick={() => {
                    if (confirm(`Start ${l.client_name}'s total-calls count again from 0?`))
                      void act(() => api.post(`/api/links/${l.id}/reset-total`));
                  }}
                >
                  Reset total
                </button>
                <button
                  className="danger"
                  onClick={() => {
                    if (confirm(`Remove ${l.client_name} from this campaign?`))
                      void act(() => api.del(`/api/links/${l.id}`, l.version));
                  }}
                >
                  Remove
                </button>
              </div>
            ),
          },
        ]}
      />
      <Dialog
        title={editing === 'new' ? 'Link a client' : `Link to ${editing?.client_name ?? ''}`}
        open={editing !== null}
        onClose={() => setEditing(null)}
      >
        {editing !== null && (
          <LinkForm
            campaignId={campaign.id}
            link={editing === 'new' ? undefined : editing}
            linkedClientIds={q.data?.items.map((l) => l.client_id) ?? []}
            onCancel={() => setEditing(null)}
            onDone={done}
          />
        )}
      </Dialog>
    </Section>
  );
}
