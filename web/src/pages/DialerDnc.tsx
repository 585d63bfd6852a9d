import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, type Page } from '../api';
import {
  DataTable,
  Empty,
  ErrorBanner,
  Field,
  Notice,
  PageHeader,
  Pagination,
  Section,
  dateTime,
  useSubmit,
  type Column,
} from '../ui';
import { ConfirmDialog } from './common/Confirm';
import { campaignName, CsvImport, label, useDialerCampaigns } from './DialerShared';

const DNC = '/api/dialer/dnc';
const LIMIT = 50;

interface DncEntry {
  id: number;
  phone: string;
  campaign_id: number | null;
  source: 'import' | 'api' | 'disposition';
  note: string | null;
  added_by: number | null;
  created_at: string;
}

/** The do-not-call list: numbers never dialled, for every campaign or one. */
export function DialerDncPage() {
  const qc = useQueryClient();
  const campaigns = useDialerCampaigns();
  const [search, setSearch] = useState('');
  const [offset, setOffset] = useState(0);
  const [deleting, setDeleting] = useState<DncEntry | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const list = useQuery({
    queryKey: [DNC, { phone: search, offset }],
    queryFn: () => api.get<Page<DncEntry>>(DNC, { limit: LIMIT, offset, phone: search }),
  });
  const refresh = () => qc.invalidateQueries({ queryKey: [DNC] });

  const columns: Column<DncEntry>[] = [
    { header: 'Number', cell: (d) => d.phone },
    { header: 'Applies to', cell: (d) => campaignName(campaigns.data?.items, d.campaign_id) },
    { header: 'Source', cell: (d) => label(d.source) },
    { header: 'Note', cell: (d) => d.note ?? '—' },
    { header: 'Added', cell: (d) => dateTime(d.created_at) },
    {
      header: 'Actions',
      cell: (d) => (
        <button type="button" className="danger" onClick={() => setDeleting(d)}>
          Remove<span className="sr-only"> {d.phone}</span>
        </button>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title="Do not call"
        description="Numbers the dialer never calls: for every campaign, or one. Agents add them with the dnc disposition."
        actions={
          <a className="button secondary" href={`${DNC}/export.csv`} download>
            Export CSV
          </a>
        }
      />
      {notice && <Notice kind="success">{notice}</Notice>}
      <div className="grid two">
        <AddNumber
          onAdded={(phone) => {
            setNotice(`${phone} is on the do-not-call list.`);
            void refresh();
          }}
        />
        <Section title="Import numbers">
          <CsvImport
            path={`${DNC}/import`}
            help={
              <>
                Header row with <code>phone</code> and optionally <code>campaign_id</code> (empty: every
                campaign) and <code>note</code>. Numbers already on the list are reported.
              </>
            }
            onImported={() => void refresh()}
          />
        </Section>
      </div>
      <Section
        title="Numbers"
        actions={
          <form
            className="filters"
            role="search"
            onSubmit={(e) => {
              e.preventDefault();
              setOffset(0);
              setSearch(String(new FormData(e.currentTarget).get('phone') ?? '').trim());
            }}
          >
            <Field label="Find a number">
              {(id) => <input id={id} name="phone" type="search" maxLength={32} defaultValue={search} />}
            </Field>
            <button type="submit" className="secondary">
              Find
            </button>
          </form>
        }
      >
        <ErrorBanner error={list.error} />
        <DataTable
          caption="Do-not-call numbers"
          columns={columns}
          rows={list.data?.items}
          rowKey={(d) => d.id}
          empty={
            <Empty title={search ? 'That number is not on the list' : 'The list is empty'}>
              {search ? 'It may be dialled.' : 'Add a number or import a CSV file.'}
            </Empty>
          }
        />
        {list.data && (
          <Pagination total={list.data.total} limit={LIMIT} offset={offset} onChange={setOffset} />
        )}
      </Section>
      <ConfirmDialog
        title="Remove from do not call"
        open={deleting !== null}
        onClose={() => setDeleting(null)}
        confirmLabel="Remove number"
        danger
        action={() => api.del(`${DNC}/${deleting!.id}`)}
        onDone={() => {
          setNotice(`${deleting?.phone ?? 'The number'} removed: it may be dialled again.`);
          void refresh();
        }}
      >
        <p>
          Remove <strong>{deleting?.phone}</strong> (
          {campaignName(campaigns.data?.items, deleting?.campaign_id ?? null)}
          )? The dialer may call it again.
        </p>
      </ConfirmDialog>
    </>
  );
}

function AddNumber(props: { onAdded: (phone: string) => void }) {
  const campaigns = useDialerCampaigns();
  const [phone, setPhone] = useState('');
  const [campaign, setCampaign] = useState('');
  const [note, setNote] = useState('');
  const form = useSubmit(
    () =>
      api.post<DncEntry>(DNC, {
        phone: phone.trim(),
        campaign_id: campaign ? Number(campaign) : null,
        ...(note.trim() ? { note: note.trim() } : {}),
      }),
    (entry) => {
      setPhone('');
      setNote('');
      props.onAdded(entry.phone);
    },
  );
  return (
    <Section title="Add a number">
      <form className="stack" onSubmit={form.submit}>
        <ErrorBanner error={form.error} />
        <Field label="Phone number" error={form.fields.phone} hint="E.164 or a national number">
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              type="tel"
              required
              maxLength={32}
              value={phone}
              onChange={(e) => setPhone(e.target.value)}
            />
          )}
        </Field>
        <Field label="Applies to" error={form.fields.campaign_id}>
          {(id, d) => (
            <select
              id={id}
              aria-describedby={d}
              value={campaign}
              onChange={(e) => setCampaign(e.target.value)}
            >
              <option value="">Every campaign</option>
              {campaigns.data?.items.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name} only
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Note" error={form.fields.note}>
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              maxLength={200}
              value={note}
              onChange={(e) => setNote(e.target.value)}
            />
          )}
        </Field>
        <div className="form-actions" style={{ justifyContent: 'flex-start' }}>
          <button type="submit" disabled={form.busy}>
            {form.busy ? 'Adding…' : 'Add to do not call'}
          </button>
        </div>
      </form>
    </Section>
  );
}
