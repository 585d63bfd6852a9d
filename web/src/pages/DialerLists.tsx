import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, type Page } from '../api';
import {
  DataTable,
  Empty,
  ErrorBanner,
  Field,
  Loading,
  PageHeader,
  Pagination,
  Section,
  StatusBadge,
  dateTime,
  useSubmit,
  type Column,
} from '../ui';
import {
  campaignName,
  CsvImport,
  LEAD_STATES,
  label,
  useDialerCampaigns,
  type Lead,
  type LeadList,
} from './DialerShared';

const LIMIT = 50;
const LISTS = '/api/dialer/lists';

/** Lead lists: each with its leads counted by state; create one and open it to import leads. */
export function DialerListsPage() {
  const qc = useQueryClient();
  const campaigns = useDialerCampaigns();
  const [offset, setOffset] = useState(0);
  const lists = useQuery({
    queryKey: [LISTS, { limit: LIMIT, offset }],
    queryFn: () => api.get<Page<LeadList>>(LISTS, { limit: LIMIT, offset }),
  });
  const [name, setName] = useState('');
  const [campaign, setCampaign] = useState('');
  const create = useSubmit(
    () =>
      api.post<LeadList>(LISTS, {
        name: name.trim(),
        ...(campaign ? { campaign_id: Number(campaign) } : {}),
      }),
    () => {
      setName('');
      void qc.invalidateQueries({ queryKey: [LISTS] });
    },
  );
  const columns: Column<LeadList>[] = [
    { header: 'List', cell: (l) => <Link to={`/dialer/lists/${l.id}`}>{l.name}</Link> },
    {
      header: 'Campaign',
      cell: (l) => (l.campaign_id ? campaignName(campaigns.data?.items, l.campaign_id) : '—'),
    },
    { header: 'Status', cell: (l) => <StatusBadge status={l.status} /> },
    { header: 'Leads', cell: (l) => l.counts.total, className: 'num' },
    { header: 'New', cell: (l) => l.counts.new, className: 'num' },
    { header: 'To retry', cell: (l) => l.counts.retry, className: 'num' },
    { header: 'Done', cell: (l) => l.counts.done, className: 'num' },
  ];

  return (
    <>
      <PageHeader
        title="Lead lists"
        description="The people a campaign calls. A list dials only while active and in a campaign."
      />
      <Section title="New list">
        <form className="filters" onSubmit={create.submit}>
          <Field label="List name" error={create.fields.name}>
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
          <Field label="Campaign" error={create.fields.campaign_id}>
            {(id, d) => (
              <select
                id={id}
                aria-describedby={d}
                value={campaign}
                onChange={(e) => setCampaign(e.target.value)}
              >
                <option value="">None yet</option>
                {campaigns.data?.items.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <button type="submit" disabled={create.busy}>
            {create.busy ? 'Creating…' : 'Create list'}
          </button>
        </form>
        <ErrorBanner error={create.error} />
      </Section>
      <Section title="Lists">
        <ErrorBanner error={lists.error} />
        <DataTable
          caption="Lead lists"
          columns={columns}
          rows={lists.data?.items}
          rowKey={(l) => l.id}
          empty={
            <Empty title="No lead list yet">
              Create one above, then open it to import leads from a CSV file.
            </Empty>
          }
        />
        {lists.data && (
          <Pagination total={lists.data.total} limit={LIMIT} offset={offset} onChange={setOffset} />
        )}
      </Section>
    </>
  );
}

const leadColumns: Column<Lead>[] = [
  {
    header: 'Lead',
    cell: (l) => (
      <div>
        <strong>{l.name ?? 'No name'}</strong>
        <div>{l.phone}</div>
      </div>
    ),
  },
  { header: 'State', cell: (l) => <StatusBadge status={l.state} /> },
  { header: 'Where', cell: (l) => [l.region, l.country].filter(Boolean).join(', ') || '—' },
  { header: 'Time zones', cell: (l) => (l.time_zones.length ? l.time_zones.join(', ') : 'unknown') },
  { header: 'Attempts', cell: (l) => l.attempts, className: 'num' },
  { header: 'Last outcome', cell: (l) => (l.last_outcome ? label(l.last_outcome) : '—') },
  { header: 'Disposition', cell: (l) => (l.disposition ? label(l.disposition) : '—') },
  { header: 'Last called', cell: (l) => dateTime(l.last_called_at) },
];

/** One list: import leads from CSV (with the per-row report), its leads by state, export. */
export function DialerListDetail() {
  const id = Number(useParams().id);
  const qc = useQueryClient();
  const campaigns = useDialerCampaigns();
  const [state, setState] = useState('');
  const [offset, setOffset] = useState(0);
  const list = useQuery({ queryKey: [LISTS, id], queryFn: () => api.get<LeadList>(`${LISTS}/${id}`) });
  const leads = useQuery({
    queryKey: [LISTS, id, 'leads', { state, offset }],
    queryFn: () => api.get<Page<Lead>>(`${LISTS}/${id}/leads`, { limit: LIMIT, offset, state }),
  });
  if (list.error) return <ErrorBanner error={list.error} />;
  if (!list.data) return <Loading what="Loading the list" />;
  const l = list.data;
  return (
    <>
      <p>
        <Link to="/dialer/lists">← Lead lists</Link>
      </p>
      <PageHeader
        title={l.name}
        description={`${l.counts.total} leads · ${l.campaign_id ? campaignName(campaigns.data?.items, l.campaign_id) : 'no campaign'} · ${l.status}`}
        actions={
          <a className="button secondary" href={`${LISTS}/${l.id}/export.csv`} download>
            Export CSV
          </a>
        }
      />
      <Section title="Import leads">
        <CsvImport
          path={`${LISTS}/${l.id}/import`}
          help={
            <>
              Header row with <code>phone</code> (or <code>phone_number</code>, <code>number</code>) and any
              of <code>name</code> (or <code>first_name</code> + <code>last_name</code>), <code>state</code>,{' '}
              <code>zip</code>, <code>time_zone</code>; other columns become the lead’s fields, shown to the
              agent. Numbers already in the list are reported, not imported twice.
            </>
          }
          onImported={() => void qc.invalidateQueries({ queryKey: [LISTS] })}
        />
      </Section>
      <Section
        title="Leads"
        actions={
          <Field label="Lead state">
            {(fid) => (
              <select
                id={fid}
                value={state}
                onChange={(e) => {
                  setState(e.target.value);
                  setOffset(0);
                }}
              >
                <option value="">All</option>
                {LEAD_STATES.map((s) => (
                  <option key={s} value={s}>
                    {label(s)} ({l.counts[s]})
                  </option>
                ))}
              </select>
            )}
          </Field>
        }
      >
        <ErrorBanner error={leads.error} />
        <DataTable
          caption="Leads of the list"
          columns={leadColumns}
          rows={leads.data?.items}
          rowKey={(x) => x.id}
          empty={<Empty title="No leads here">Import a CSV file above.</Empty>}
        />
        {leads.data && (
          <Pagination total={leads.data.total} limit={LIMIT} offset={offset} onChange={setOffset} />
        )}
      </Section>
    </>
  );
}
