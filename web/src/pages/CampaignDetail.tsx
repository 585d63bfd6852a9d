import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api, ApiError, type Page } from '../api';
import {
  DataTable,
  Dialog,
  Empty,
  ErrorBanner,
  Gauge,
  Loading,
  PageHeader,
  Section,
  StatusBadge,
  dateTime,
  money,
  useSubmit,
} from '../ui';
import { CampaignForm, type Campaign } from './campaign-form';
import { LinkForm, type CampaignLink } from './link-form';

interface Did {
  id: number;
  number: string;
  status: string;
  seller_id: number | null;
  campaign_id: number | null;
  area_code: string | null;
  assigned_at: string | null;
}

export function CampaignDetailPage() {
  const id = Number(useParams().id);
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [editing, setEditing] = useState(false);
  const q = useQuery({
    queryKey: [`/api/campaigns/${id}`],
    queryFn: () => api.get<Campaign>(`/api/campaigns/${id}`),
  });
  const remove = useSubmit(
    () => api.del(`/api/campaigns/${id}`),
    () => {
      void qc.invalidateQueries({ queryKey: ['/api/campaigns'] });
      navigate('/campaigns');
    },
  );
  if (q.error instanceof ApiError && q.error.status === 404) {
    return (
      <div className="empty page-state">
        <h1>Campaign not found</h1>
        <p>
          It may have been deleted, or it belongs to another seller.{' '}
          <Link to="/campaigns">Back to campaigns</Link>
        </p>
      </div>
    );
  }
  if (!q.data) return q.error ? <ErrorBanner error={q.error} /> : <Loading />;
  const c = q.data;
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: [`/api/campaigns/${id}`] });
    void qc.invalidateQueries({ queryKey: ['/api/campaigns'] });
  };
  return (
    <>
      <p>
        <Link to="/campaigns">← Campaigns</Link>
      </p>
      <PageHeader
        title={c.name}
        description={
          <>
            <StatusBadge status={c.status} /> {c.routing_strategy.replace('_', ' ')} routing · dial timeout{' '}
            {c.dial_timeout_seconds} s · up to {c.max_attempts} attempts · {c.timezone}
          </>
        }
        actions={
          <>
            <button className="secondary" onClick={() => setEditing(true)}>
              Edit campaign
            </button>
            <button
              className="danger"
              disabled={remove.busy}
              onClick={() => {
                if (confirm(`Delete campaign "${c.name}"? Its DIDs are detached.`)) void remove.submit();
              }}
            >
              Delete
            </button>
          </>
        }
      />
      <ErrorBanner error={remove.error} />
      <LinksSection campaign={c} onChange={refresh} />
      <DidsSection campaign={c} onChange={refresh} />
      <Dialog title={`Edit ${c.name}`} open={editing} onClose={() => setEditing(false)}>
        <CampaignForm
          campaign={c}
          onCancel={() => setEditing(false)}
          onDone={() => {
            setEditing(false);
            refresh();
          }}
        />
      </Dialog>
    </>
  );
}

function LinksSection({ campaign, onChange }: { campaign: Campaign; onChange: () => void }) {
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
          { header: 'Status', cell: (l) => <StatusBadge status={l.status} /> },
          { header: 'Priority', cell: (l) => l.forwarding_priority, className: 'num' },
          { header: 'Weight', cell: (l) => l.weight, className: 'num' },
          {
            header: 'Usage against caps',
            cell: (l) => (
              <div className="gauges" style={{ minWidth: '18rem' }}>
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
                      void act(() => api.del(`/api/links/${l.id}`));
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

function DidsSection({ campaign, onChange }: { campaign: Campaign; onChange: () => void }) {
  const qc = useQueryClient();
  const key = [`/api/campaigns/${campaign.id}/dids`];
  const q = useQuery({
    queryKey: key,
    queryFn: () => api.get<{ items: Did[] }>(`/api/campaigns/${campaign.id}/dids`),
  });
  const [attaching, setAttaching] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const done = () => {
    setAttaching(false);
    void qc.invalidateQueries({ queryKey: key });
    void qc.invalidateQueries({ queryKey: ['/api/dids'] });
    onChange();
  };
  return (
    <Section title="DIDs" actions={<button onClick={() => setAttaching(true)}>Attach DIDs</button>}>
      <ErrorBanner error={q.error ?? error} />
      <DataTable<Did>
        caption="DIDs attached to this campaign"
        rows={q.data?.items}
        rowKey={(d) => d.id}
        empty={
          <Empty title="No DIDs attached">
            Attach the seller's numbers: calls to them are routed by this campaign.{' '}
            <Link to="/dids">See your DIDs</Link>
          </Empty>
        }
        columns={[
          { header: 'Number', cell: (d) => d.number },
          { header: 'Area code', cell: (d) => d.area_code ?? '—' },
          { header: 'Status', cell: (d) => <StatusBadge status={d.status} /> },
          { header: 'Assigned', cell: (d) => dateTime(d.assigned_at) },
          {
            header: 'Actions',
            cell: (d) => (
              <button
                className="danger"
                onClick={async () => {
                  setError(null);
                  try {
                    await api.del(`/api/campaigns/${campaign.id}/dids/${d.id}`);
                    done();
                  } catch (err) {
                    setError(err);
                  }
                }}
              >
                Detach
              </button>
            ),
          },
        ]}
      />
      <Dialog title="Attach DIDs" open={attaching} onClose={() => setAttaching(false)}>
        <AttachDids campaign={campaign} onDone={done} onCancel={() => setAttaching(false)} />
      </Dialog>
    </Section>
  );
}

/** The seller's assigned DIDs that no campaign uses yet, to tick and attach. */
function AttachDids(props: { campaign: Campaign; onDone: () => void; onCancel: () => void }) {
  const q = useQuery({
    queryKey: ['/api/dids', { seller_id: props.campaign.seller_id, status: 'assigned', limit: 500 }],
    queryFn: () =>
      api.get<Page<Did>>('/api/dids', {
        seller_id: props.campaign.seller_id,
        status: 'assigned',
        limit: 500,
      }),
  });
  const free = q.data?.items.filter((d) => d.campaign_id === null) ?? [];
  const [picked, setPicked] = useState<number[]>([]);
  const form = useSubmit(
    () => api.post(`/api/campaigns/${props.campaign.id}/dids`, { did_ids: picked }),
    props.onDone,
  );
  return (
    <form className="stack" onSubmit={form.submit}>
      <ErrorBanner error={form.error ?? q.error} />
      {!q.data ? (
        <Loading />
      ) : free.length === 0 ? (
        <Empty title="No free DIDs">
          Every number assigned to this seller is already in a campaign. Request more numbers on the{' '}
          <Link to="/dids">DIDs page</Link>.
        </Empty>
      ) : (
        <fieldset className="stack">
          <legend>Numbers assigned to the seller and not in a campaign</legend>
          {free.map((d) => (
            <label key={d.id}>
              <input
                type="checkbox"
                checked={picked.includes(d.id)}
                onChange={(e) =>
                  setPicked(e.target.checked ? [...picked, d.id] : picked.filter((x) => x !== d.id))
                }
              />{' '}
              {d.number}
            </label>
          ))}
        </fieldset>
      )}
      <div className="form-actions">
        <button type="button" className="secondary" onClick={props.onCancel}>
          Cancel
        </button>
        <button type="submit" disabled={form.busy || picked.length === 0}>
          Attach {picked.length || ''}
        </button>
      </div>
    </form>
  );
}
