import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type FormEvent, type ReactNode } from 'react';
import { api, request, type Page } from '../api';
import { DataTable, Empty, ErrorBanner, Field, Notice, type Column } from '../ui';

// What the dialer's pages share: the API's shapes (docs/openapi.json, tag "dialer"), the
// campaigns list, and CSV import with its per-row report (leads and do-not-call numbers).

export type RetryOutcome = 'busy' | 'no_answer' | 'machine' | 'failed' | 'abandoned';
export const RETRY_OUTCOMES: RetryOutcome[] = ['busy', 'no_answer', 'machine', 'failed', 'abandoned'];

/** A dialer campaign as admins and staff read it (GET /api/dialer/campaigns). */
export interface DialerCampaign {
  id: number;
  name: string;
  status: 'active' | 'paused' | 'archived';
  mode: 'preview' | 'progressive' | 'predictive';
  server_id: number | null;
  max_dial_level: number;
  abandon_target: number;
  ring_timeout_seconds: number;
  amd: 'off' | 'hangup' | 'message';
  machine_sound: string | null;
  abandon_sound: string;
  retry_policy: Record<RetryOutcome, { delay_minutes: number; max: number }>;
  max_attempts: number;
  callerid_campaign: string | null;
  dispositions: string[];
  call_start: string;
  call_end: string;
  call_days: number[];
  unknown_tz_zone: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface LeadList {
  id: number;
  name: string;
  campaign_id: number | null;
  status: 'active' | 'inactive';
  created_at: string;
  counts: { total: number; new: number; dialling: number; answered: number; retry: number; done: number };
}

export const LEAD_STATES = ['new', 'dialling', 'answered', 'retry', 'done'] as const;

export interface Lead {
  id: number;
  list_id: number;
  phone: string;
  name: string | null;
  country: string | null;
  region: string | null;
  postal_code: string | null;
  time_zones: string[];
  fields: Record<string, unknown>;
  state: (typeof LEAD_STATES)[number];
  disposition: string | null;
  attempts: number;
  last_outcome: string | null;
  last_called_at: string | null;
  next_attempt_at?: string | null;
}

/** GET /api/me/dialer: the agent's session, its campaign, the current call and its lead. */
export interface ConsoleState {
  agent: { id: number; extension: string; status: string; pause_reason: string | null };
  session: { campaign_id: number; state: 'connecting' | 'ready'; joined_at: string } | null;
  campaign: {
    id: number;
    name: string;
    mode: 'preview' | 'progressive' | 'predictive';
    dispositions: string[];
  } | null;
  call: {
    id: number;
    state: string;
    number: string | null;
    caller_id: string | null;
    answered_at: string | null;
    ended_at: string | null;
    outcome: string | null;
  } | null;
  lead: Lead | null;
}

/** The agent console's state. */
export const CONSOLE = '/api/me/dialer';
/** Sends an action of the console, then shows the state it answers with (or reads it again). */
export function useConsoleAction<T>(action: (arg: T) => Promise<unknown>) {
  const qc = useQueryClient();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  async function run(arg: T) {
    setBusy(true);
    setError(null);
    try {
      const next = await action(arg);
      if (next && typeof next === 'object' && 'agent' in next) qc.setQueryData([CONSOLE], next);
      await qc.invalidateQueries({ queryKey: [CONSOLE] });
      return true;
    } catch (err) {
      setError(err);
      return false;
    } finally {
      setBusy(false);
    }
  }
  return { busy, error, run };
}

export interface ImportReport {
  total: number;
  inserted: number;
  duplicates: number;
  rejected_count: number;
  rejected: { row: number; input: string; reason: string }[];
  unknown_time_zone?: number;
}

/** Every dialer campaign that is not archived (one page is plenty for a call centre). */
export function useDialerCampaigns() {
  return useQuery({
    queryKey: ['/api/dialer/campaigns', { limit: 200 }],
    queryFn: () => api.get<Page<DialerCampaign>>('/api/dialer/campaigns', { limit: 200 }),
  });
}

/** A campaign's name by id, for tables that only have the id. */
export function campaignName(campaigns: DialerCampaign[] | undefined, id: number | null): string {
  if (id === null) return 'Every campaign';
  return campaigns?.find((c) => c.id === id)?.name ?? `Campaign ${id}`;
}

/** "sale" → "Sale", "not_interested" → "Not interested", "dnc" → "Do not call". */
export const label = (s: string) =>
  s === 'dnc' ? 'Do not call' : (s.charAt(0).toUpperCase() + s.slice(1)).replace(/_/g, ' ');

const rejectionColumns: Column<ImportReport['rejected'][number]>[] = [
  { header: 'Row', cell: (r) => r.row, className: 'num' },
  { header: 'Value', cell: (r) => <code>{r.input || '(empty)'}</code> },
  { header: 'Reason', cell: (r) => r.reason },
];

/**
 * A CSV file sent as the body of `path` (text/csv), and the API's report: how many rows were
 * read and imported, and every rejected row with its reason.
 */
export function CsvImport(props: { path: string; help: ReactNode; onImported: () => void }) {
  const formRef = useRef<HTMLFormElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [report, setReport] = useState<ImportReport | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!file) return;
    setBusy(true);
    setError(null);
    setReport(null);
    try {
      setReport(await request<ImportReport>('POST', props.path, { csv: await file.text() }));
      formRef.current?.reset();
      setFile(null);
      props.onImported();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="stack">
      <p className="muted">{props.help}</p>
      <form ref={formRef} className="filters" onSubmit={(e) => void submit(e)} aria-busy={busy}>
        <Field label="CSV file" hint="A .csv file with a header row">
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              type="file"
              accept=".csv,text/csv"
              required
              disabled={busy}
              onChange={(e) => setFile(e.target.files?.[0] ?? null)}
            />
          )}
        </Field>
        <button type="submit" disabled={busy}>
          {busy ? 'Importing…' : 'Import'}
        </button>
      </form>
      <ErrorBanner error={error} />
      {report && <ImportResult report={report} />}
    </div>
  );
}

function ImportResult({ report }: { report: ImportReport }) {
  return (
    <div className="stack">
      <Notice kind={report.rejected_count === 0 ? 'success' : 'info'}>
        Import finished: {report.total} rows read, {report.inserted} imported, {report.rejected_count}{' '}
        rejected{report.duplicates > 0 ? ` (${report.duplicates} already there)` : ''}
        {report.unknown_time_zone ? `; ${report.unknown_time_zone} without a known time zone` : ''}.
      </Notice>
      {report.rejected.length > 0 ? (
        <DataTable
          caption="Rejected rows and why"
          columns={rejectionColumns}
          rows={report.rejected}
          rowKey={(r) => `${r.row}:${r.reason}`}
          empty={null}
        />
      ) : (
        <Empty title="Every row was imported">Nothing to fix.</Empty>
      )}
    </div>
  );
}
