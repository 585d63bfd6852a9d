import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { api, type Page } from '../api';
import { isStaff, useMe } from '../auth';
import { DataTable, Dialog, Empty, ErrorBanner, PageHeader, Pagination, Section, StatusBadge } from '../ui';
import { CampaignForm, type Campaign } from './campaigns/CampaignForm';

const LIMIT = 50;

export function CampaignsPage() {
  const me = useMe();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [offset, setOffset] = useState(0);
  const [creating, setCreating] = useState(false);
  const q = useQuery({
    queryKey: ['/api/campaigns', { limit: LIMIT, offset }],
    queryFn: () => api.get<Page<Campaign>>('/api/campaigns', { limit: LIMIT, offset }),
  });
  return (
    <>
      <PageHeader
        title="Campaigns"
        description="Each campaign sends its DIDs' calls to the linked clients, within every cap."
        actions={<button onClick={() => setCreating(true)}>New campaign</button>}
      />
      <ErrorBanner error={q.error} />
      <Section title={isStaff(me) ? 'All campaigns' : 'Your campaigns'}>
        <DataTable<Campaign>
          caption="Campaigns"
          rows={q.data?.items}
          rowKey={(c) => c.id}
          onRowClick={(c) => navigate(`/campaigns/${c.id}`)}
          empty={
            <Empty title="No campaigns yet">
              Create a campaign, attach your DIDs and link the clients that should take its calls.
            </Empty>
          }
          columns={[
            { header: 'Name', cell: (c) => <Link to={`/campaigns/${c.id}`}>{c.name}</Link> },
            ...(isStaff(me) ? [{ header: 'Seller', cell: (c: Campaign) => c.seller_name }] : []),
            { header: 'Status', cell: (c) => <StatusBadge status={c.status} /> },
            { header: 'Strategy', cell: (c) => c.routing_strategy.replace('_', ' ') },
            { header: 'DIDs', cell: (c) => c.did_count, className: 'num' },
            { header: 'Clients', cell: (c) => c.link_count, className: 'num' },
            { header: 'Daily cap', cell: (c) => c.daily_cap ?? '—', className: 'num' },
            { header: 'Time zone', cell: (c) => c.timezone },
          ]}
        />
        {q.data && <Pagination total={q.data.total} limit={LIMIT} offset={offset} onChange={setOffset} />}
      </Section>
      <Dialog title="New campaign" open={creating} onClose={() => setCreating(false)}>
        <CampaignForm
          onCancel={() => setCreating(false)}
          onDone={(c) => {
            setCreating(false);
            void qc.invalidateQueries({ queryKey: ['/api/campaigns'] });
            navigate(`/campaigns/${c.id}`);
          }}
        />
      </Dialog>
    </>
  );
}
