import { useQuery } from '@tanstack/react-query';
import { Fragment, type ReactNode } from 'react';
import { Link, useLocation, useParams } from 'react-router';
import { api, ApiError } from '../api';
import {
  Badge,
  DataTable,
  Empty,
  ErrorBanner,
  Loading,
  PageHeader,
  Section,
  StatusBadge,
  dateTime,
  duration,
  money,
  type Column,
} from '../ui';
import type { CallRow } from './Calls';
import { RecordingsTable } from './console/Recordings';
import { PostbacksTable } from './postbacks/PostbacksTable';
import type { Postback } from './postbacks/types';

// One call (GET /api/calls/{id}): what happened, each dial attempt, and the routing decision
// trace (every candidate link considered and why it was skipped, reserved or failed).

interface Attempt {
  id: number;
  seq: number;
  state: 'dialing' | 'failed' | 'answered' | 'unanswered' | 'not_dialed' | 'expired';
  link_id: number | null;
  client_id: number | null;
  client_name: string | null;
  dial_status: string | null;
  ring_seconds: number;
  started_at: string;
  ended_at: string | null;
}

type TraceEntry = Record<string, unknown>;

interface CallDetail extends CallRow {
  recording: string | null;
  pbx: string | null;
  did_raw: string | null;
  caller_id_raw: string | null;
  end_reason: string | null;
  repeat_of: number | null;
  attempts: Attempt[];
  trace: TraceEntry[];
}

export function CallDetailPage() {
  const { id } = useParams();
  const location = useLocation();
  const search = (location.state as { search?: unknown } | null)?.search;
  const back = `/calls${typeof search === 'string' ? search : ''}`;
  const valid = /^[1-9]\d*$/.test(id ?? '');
  const call = useQuery({
    queryKey: [`/api/calls/${id}`],
    queryFn: () => api.get<CallDetail>(`/api/calls/${id}`),
    enabled: valid,
    retry: (n, err) => !(err instanceof ApiError && err.status < 500) && n < 2,
  });
  const backLink = <Link to={back}>← Back to the call log</Link>;

  if (!valid || (call.error instanceof ApiError && call.error.status === 404)) {
    return (
      <div className="empty page-state">
        <h1>Call not found</h1>
        <p>
          There is no call #{id} that your account can see. It may belong to another seller, or the link is
          wrong.
        </p>
        <p>{backLink}</p>
      </div>
    );
  }
  if (call.error) {
    return (
      <>
        <p>{backLink}</p>
        <ErrorBanner error={call.error} />
      </>
    );
  }
  if (!call.data) return <Loading what="Loading the call" />;
  const c = call.data;

  return (
    <>
      <p>{backLink}</p>
      <PageHeader
        title={`Call #${c.id}`}
        description={
          <>
            {c.caller_id ?? 'Unknown caller'} → {c.did ?? 'unknown DID'} · {dateTime(c.started_at)}
          </>
        }
      />
      <Section title="Call">
        <CallFacts call={c} />
      </Section>
      <Section title={`Attempts (${c.attempts.length})`}>
        <AttemptsTable attempts={c.attempts} />
      </Section>
      <Section title="Recordings">
        <RecordingsTable callId={c.id} />
      </Section>
      <Section title="Buyer postbacks">
        <CallPostbacks callId={c.id} />
      </Section>
      <Section title="Routing decisions">
        <TraceTable trace={c.trace} />
      </Section>
    </>
  );
}

/** The buyer's postbacks about the call: each confirm or reverse, what it changed, or why it was refused. */
function CallPostbacks({ callId }: { callId: number }) {
  const list = useQuery({
    queryKey: [`/api/calls/${callId}/postbacks`],
    queryFn: () => api.get<Postback[]>(`/api/calls/${callId}/postbacks`),
  });
  if (list.error) return <ErrorBanner error={list.error} />;
  return (
    <PostbacksTable
      rows={list.data}
      empty="No postback from the buyer: the conversion is as the call ended"
    />
  );
}

/** A number as stored (E.164), with what the PBX sent when that differs. */
function asSent(value: string | null, raw: string | null): ReactNode {
  if (value === null) return '—';
  return raw && raw !== value ? `${value} (sent as ${raw})` : value;
}

function CallFacts({ call: c }: { call: CallDetail }) {
  const facts: [string, ReactNode][] = [
    ['Unique ID', <code key="u">{c.uniqueid}</code>],
    ['Direction', c.direction],
    ['DID', asSent(c.did, c.did_raw)],
    ['Caller', asSent(c.caller_id, c.caller_id_raw)],
    ['Campaign', c.campaign_id ? <Link to={`/campaigns/${c.campaign_id}`}>{c.campaign_name}</Link> : '—'],
    ['Client', c.client_name ?? '—'],
    ['Routing status', <StatusBadge key="r" status={c.routing_status} />],
    ['Reject reason', c.reject_reason ? c.reject_reason.replace(/_/g, ' ') : '—'],
    ['Disposition', c.disposition ? <StatusBadge key="d" status={c.disposition} /> : 'in progress'],
    ['Dial status', c.dial_status ?? '—'],
    ['Hangup cause', c.hangup_cause ?? '—'],
    ['Started', dateTime(c.started_at)],
    ['Answered', dateTime(c.answered_at)],
    ['Ended', dateTime(c.ended_at)],
    ['Duration', duration(c.duration)],
    ['Billsec', duration(c.billsec)],
    ['Billable', c.billable ? 'Yes' : 'No'],
    ['Repeat of', c.repeat_of ? <Link to={`/calls/${c.repeat_of}`}>Call #{c.repeat_of}</Link> : '—'],
    ['Cost', money(c.cost)],
    ['Payout', money(c.payout)],
    ['Source', c.source ?? '—'],
    ['Ended by', c.end_reason ? c.end_reason.replace(/_/g, ' ') : '—'],
    ['PBX', c.pbx || '—'],
    ['Recording', c.recording ?? '—'],
  ];
  return (
    <dl className="facts">
      {facts.map(([term, value]) => (
        <Fragment key={term}>
          <dt>{term}</dt>
          <dd>{value}</dd>
        </Fragment>
      ))}
    </dl>
  );
}

function AttemptsTable({ attempts }: { attempts: Attempt[] }) {
  const columns: Column<Attempt>[] = [
    { header: '#', cell: (a) => a.seq, className: 'num' },
    { header: 'Client', cell: (a) => a.client_name ?? (a.client_id ? `#${a.client_id}` : '—') },
    {
      header: 'Dial status',
      cell: (a) => (
        <div>
          <StatusBadge status={a.state === 'not_dialed' ? 'NOT DIALED' : (a.dial_status ?? a.state)} />
        </div>
      ),
    },
    { header: 'Ring', cell: (a) => duration(a.ring_seconds), className: 'num' },
    { header: 'Started', cell: (a) => dateTime(a.started_at) },
    { header: 'Ended', cell: (a) => dateTime(a.ended_at) },
  ];
  return (
    <DataTable
      caption="Dial attempts"
      columns={columns}
      rows={attempts}
      rowKey={(a) => a.seq}
      empty={
        <Empty title="No dial attempts">
          The call was not sent to any client; the routing decisions below say why.
        </Empty>
      }
    />
  );
}

/** Keys shown first, in this order and with these names; any other key gets its own column too. */
const TRACE_KEYS: [string, string][] = [
  ['at', 'Time'],
  ['step', 'Step'],
  ['outcome', 'Outcome'],
  ['client', 'Client'],
  ['link_id', 'Link'],
  ['reason', 'Reason'],
  ['caps', 'Caps'],
  ['detail', 'Detail'],
];
const OUTCOME_TONE: Record<string, string> = {
  reserved: 'good',
  answered: 'good',
  skipped: 'warn',
  failed: 'bad',
  rejected: 'bad',
};

function TraceTable({ trace }: { trace: TraceEntry[] }) {
  if (trace.length === 0) {
    return <Empty title="No routing decisions recorded">This call has no decision trace.</Empty>;
  }
  const known = new Set(TRACE_KEYS.map(([k]) => k));
  const extra = [...new Set(trace.flatMap((t) => Object.keys(t)))].filter(
    (k) => !known.has(k) && k !== 'client_id',
  );
  const keys = [
    ...TRACE_KEYS.filter(([k]) => trace.some((t) => k in t)),
    ...extra.map((k) => [k, k] as [string, string]),
  ];
  const columns: Column<TraceEntry>[] = keys.map(([key, header]) => ({
    header,
    cell: (t) => traceCell(key, t[key], t),
  }));
  return (
    <DataTable
      caption="Routing decisions, in order"
      columns={columns}
      rows={trace}
      rowKey={(t) => trace.indexOf(t)}
      empty={null}
    />
  );
}

function traceCell(key: string, value: unknown, entry: TraceEntry): ReactNode {
  if (key === 'client' && (value === undefined || value === null) && entry.client_id) {
    return `#${String(entry.client_id)}`;
  }
  if (value === undefined || value === null || value === '') return '—';
  if (key === 'at' && typeof value === 'string') return dateTime(value);
  if (key === 'outcome' && typeof value === 'string') {
    return (
      <div>
        <Badge tone={OUTCOME_TONE[value] ?? 'neutral'}>{value}</Badge>
      </div>
    );
  }
  if (key === 'reason' && typeof value === 'string') return value.replace(/_/g, ' ');
  if (key === 'client') return `${String(value)}${entry.client_id ? ` (#${String(entry.client_id)})` : ''}`;
  if (key === 'caps' && Array.isArray(value)) return <CapsList caps={value} />;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return String(value);
  return <pre>{JSON.stringify(value, null, 1)}</pre>;
}

/** The caps that said no: `hourly 10 / 10`; unknown shapes as JSON. */
function CapsList({ caps }: { caps: unknown[] }) {
  if (caps.length === 0) return '—';
  return (
    <ul style={{ margin: 0, paddingLeft: '1rem' }}>
      {caps.map((cap, i) => {
        const c = cap as { cap?: unknown; used?: unknown; limit?: unknown };
        const text =
          typeof c?.cap === 'string'
            ? `${c.cap.replace(/_/g, ' ')}: ${String(c.used)} / ${c.limit === null ? 'no cap' : String(c.limit)}`
            : JSON.stringify(cap);
        return <li key={i}>{text}</li>;
      })}
    </ul>
  );
}
