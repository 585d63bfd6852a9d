import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, type Page } from '../../api';
import {
  DataTable,
  Dialog,
  Empty,
  ErrorBanner,
  Loading,
  Section,
  StatusBadge,
  dateTime,
  useSubmit,
} from '../../ui';
import type { Campaign } from './CampaignForm';

interface Did {
  id: number;
  number: string;
  status: string;
  seller_id: number | null;
  campaign_id: number | null;
  area_code: string | null;
  assigned_at: string | null;
}

/** The DIDs whose calls this campaign routes; attach the seller's free ones, detach. */
export function CampaignDids({ campaign, onChange }: { campaign: Campaign; onChange: () => void }) {
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
