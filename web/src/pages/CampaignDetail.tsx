import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api, ApiError } from '../api';
import { Dialog, ErrorBanner, Loading, PageHeader, StatusBadge, useSubmit } from '../ui';
import { CampaignDids } from './campaigns/CampaignDids';
import { CAP_COUNTS } from './campaigns/caps';
import { CampaignForm, type Campaign } from './campaigns/CampaignForm';
import { CampaignLinks } from './campaigns/CampaignLinks';

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
    () => api.del(`/api/campaigns/${id}`, q.data?.version),
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
  // The campaign as saved (here or, after a conflict, by someone else) is the page's at once, so
  // the next edit starts from its version rather than the one loaded before.
  const show = (saved: Campaign) => {
    qc.setQueryData([`/api/campaigns/${id}`], saved);
    refresh();
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
            {c.record_calls && ' · calls recorded'}
            {callerSummary(c)}
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
      <p aria-label="The campaign's own caps">
        <strong>Campaign caps</strong>, across all its clients and on top of each link's own:{' '}
        {(
          [
            ['max_concurrency', 'at once'],
            ['hourly_cap', 'per hour'],
            ['daily_cap', 'per day'],
            ['monthly_cap', 'per month'],
          ] as const
        )
          .map(([key, label]) => `${c[key] ?? 'no cap'} ${label}`)
          .join(' · ')}
        . <span className="muted">{CAP_COUNTS} (per hour, day and month).</span>
      </p>
      <CampaignLinks campaign={c} onChange={refresh} />
      <CampaignDids campaign={c} onChange={refresh} />
      <Dialog title={`Edit ${c.name}`} open={editing} onClose={() => setEditing(false)}>
        <CampaignForm
          campaign={c}
          onCancel={() => setEditing(false)}
          onDone={(saved) => {
            setEditing(false);
            show(saved);
          }}
          onReload={show}
        />
      </Dialog>
    </>
  );
}

const ACTION: Record<string, string> = {
  first_buyer: 'go to the buyer that answered before',
  no_payout: 'are routed with no payout',
  reject: 'are rejected',
};

/** The campaign's caller rules in a few words, for its header. */
function callerSummary(c: Campaign): string {
  const parts: string[] = [];
  const w = c.duplicate_window_seconds;
  if (w !== null) {
    const span =
      w % 86400 === 0 ? `${w / 86400} d` : w % 3600 === 0 ? `${w / 3600} h` : `${Math.round(w / 60)} min`;
    parts.push(`repeat callers within ${span} ${ACTION[c.duplicate_action ?? ''] ?? c.duplicate_action}`);
  }
  const f = c.caller_filter;
  if (f?.allow_areas?.length) parts.push(`only callers from ${f.allow_areas.join(', ')}`);
  if (f?.block_areas?.length) parts.push(`callers from ${f.block_areas.join(', ')} blocked`);
  if (f?.block_numbers?.length) parts.push(`${f.block_numbers.length} number(s) blocked`);
  if (f?.block_anonymous) parts.push('anonymous callers blocked');
  return parts.length ? ` · ${parts.join(' · ')}` : '';
}
