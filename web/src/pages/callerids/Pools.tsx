import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { SaveError } from '../../conflict';
import { api } from '../../api';
import { isStaff, useMe } from '../../auth';
import {
  DataTable,
  Dialog,
  Empty,
  ErrorBanner,
  Field,
  Section,
  dateTime,
  useSubmit,
  type Column,
} from '../../ui';

// Caller-ID pools (GET/POST/PATCH/DELETE /api/callerid/pools): the global pool and one per
// dialer campaign. A seller only has pools for their own dialer campaigns.

export interface Pool {
  id: number;
  name: string;
  campaign: string | null;
  seller_id: number | null;
  numbers: number;
  active: number;
  /** Sent back with a change (If-Match): a save over someone else's newer one is refused. */
  version: number;
  created_at: string;
  updated_at: string;
}

/** The API's pattern for a dialer campaign code. */
export const CAMPAIGN_PATTERN = '[A-Za-z0-9_.:\\-]{1,64}';

export const poolLabel = (p: Pick<Pool, 'name' | 'campaign'>) => `${p.name} (${p.campaign ?? 'global'})`;

export function usePools() {
  return useQuery({
    queryKey: ['/api/callerid/pools'],
    queryFn: () => api.get<{ items: Pool[] }>('/api/callerid/pools'),
  });
}

/** After a pool or number changes: counts, lists and stats may all have moved. */
export function useInvalidateCallerIds() {
  const qc = useQueryClient();
  return () =>
    Promise.all([
      qc.invalidateQueries({ queryKey: ['/api/callerid/pools'] }),
      qc.invalidateQueries({ queryKey: ['/api/callerid/numbers'] }),
    ]);
}

export function PoolsSection() {
  const pools = usePools();
  const [editing, setEditing] = useState<Pool | 'new' | null>(null);
  const [deleting, setDeleting] = useState<Pool | null>(null);
  const columns: Column<Pool>[] = [
    { header: 'Name', cell: (p) => p.name },
    { header: 'Dialer campaign', cell: (p) => p.campaign ?? <span className="muted">Global</span> },
    { header: 'Numbers', cell: (p) => p.numbers, className: 'num' },
    { header: 'Active', cell: (p) => p.active, className: 'num' },
    { header: 'Updated', cell: (p) => dateTime(p.updated_at) },
    {
      header: 'Actions',
      cell: (p) => (
        <div className="actions">
          <button
            type="button"
            className="secondary"
            onClick={() => setEditing(p)}
            aria-label={`Edit pool ${p.name}`}
          >
            Edit
          </button>
          <button
            type="button"
            className="danger"
            onClick={() => setDeleting(p)}
            aria-label={`Delete pool ${p.name}`}
          >
            Delete
          </button>
        </div>
      ),
    },
  ];
  return (
    <Section
      title="Pools"
      actions={
        <button type="button" onClick={() => setEditing('new')}>
          New pool
        </button>
      }
    >
      <ErrorBanner error={pools.error} />
      <DataTable
        caption="Caller-ID pools"
        columns={columns}
        rows={pools.error ? [] : pools.data?.items}
        rowKey={(p) => p.id}
        empty={
          pools.error ? null : (
            <Empty title="No pools yet">
              Create a pool (global, or for one dialer campaign), then add numbers to it or import a CSV.
            </Empty>
          )
        }
      />
      <Dialog
        title={editing === 'new' ? 'New pool' : `Edit pool ${editing?.name ?? ''}`}
        open={editing !== null}
        onClose={() => setEditing(null)}
      >
        {editing !== null && (
          <PoolForm pool={editing === 'new' ? null : editing} onDone={() => setEditing(null)} />
        )}
      </Dialog>
      <Dialog title="Delete pool" open={deleting !== null} onClose={() => setDeleting(null)}>
        {deleting && <DeletePool pool={deleting} onDone={() => setDeleting(null)} />}
      </Dialog>
    </Section>
  );
}

function PoolForm({ pool, onDone }: { pool: Pool | null; onDone: () => void }) {
  const me = useMe();
  const invalidate = useInvalidateCallerIds();
  const [name, setName] = useState(pool?.name ?? '');
  const [campaign, setCampaign] = useState(pool?.campaign ?? '');
  // The version these values came from: what a save tells the server it is changing.
  const [version, setVersion] = useState(pool?.version);
  const campaignRequired = !isStaff(me) || (pool !== null && pool.seller_id !== null);
  const form = useSubmit(
    () => {
      const body = { name: name.trim(), campaign: campaign.trim() || null };
      return pool
        ? api.patch<Pool>(`/api/callerid/pools/${pool.id}`, body, version)
        : api.post<Pool>('/api/callerid/pools', body);
    },
    () => {
      void invalidate();
      onDone();
    },
  );
  const reload = async () => {
    if (!pool) return;
    try {
      const fresh = await api.get<Pool>(`/api/callerid/pools/${pool.id}`);
      setName(fresh.name);
      setCampaign(fresh.campaign ?? '');
      setVersion(fresh.version);
      form.setError(null);
      void invalidate();
    } catch (err) {
      form.setError(err);
    }
  };
  return (
    <form className="stack" onSubmit={(e) => void form.submit(e)}>
      <SaveError error={form.error} what="pool" onReload={reload} />
      <Field label="Name" error={form.fields.name}>
        {(id, d) => (
          <input
            id={id}
            aria-describedby={d}
            required
            maxLength={100}
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        )}
      </Field>
      <Field
        label="Dialer campaign code"
        error={form.fields.campaign}
        hint={
          campaignRequired
            ? 'The dialer campaign this pool serves (letters, digits and _ . : -).'
            : 'Leave empty for the global pool, used by campaigns without a pool of their own.'
        }
      >
        {(id, d) => (
          <input
            id={id}
            aria-describedby={d}
            required={campaignRequired}
            pattern={CAMPAIGN_PATTERN}
            maxLength={64}
            value={campaign}
            onChange={(e) => setCampaign(e.target.value)}
          />
        )}
      </Field>
      <div className="form-actions">
        <button type="button" className="secondary" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" disabled={form.busy}>
          {form.busy ? 'Saving…' : pool ? 'Save pool' : 'Create pool'}
        </button>
      </div>
    </form>
  );
}

function DeletePool({ pool, onDone }: { pool: Pool; onDone: () => void }) {
  const invalidate = useInvalidateCallerIds();
  const del = useSubmit(
    () => api.del(`/api/callerid/pools/${pool.id}`, pool.version),
    () => {
      void invalidate();
      onDone();
    },
  );
  return (
    <div className="stack">
      <ErrorBanner error={del.error} />
      {pool.numbers > 0 ? (
        <p>
          Pool <strong>{pool.name}</strong> still has{' '}
          {pool.numbers === 1 ? 'one number' : `${pool.numbers} numbers`}. Move them to another pool (Edit on
          each number) or delete them first: only an empty pool can be deleted.
        </p>
      ) : (
        <p>
          Delete pool <strong>{poolLabel(pool)}</strong>? This cannot be undone.
        </p>
      )}
      <div className="form-actions">
        <button type="button" className="secondary" onClick={onDone}>
          {pool.numbers === 0 ? 'Cancel' : 'Close'}
        </button>
        {pool.numbers === 0 && (
          <button type="button" className="danger" disabled={del.busy} onClick={() => void del.submit()}>
            {del.busy ? 'Deleting…' : 'Delete pool'}
          </button>
        )}
      </div>
    </div>
  );
}
