import { useQuery } from '@tanstack/react-query';
import { api } from '../../api';
import { DataTable, dateTime, duration, Empty, ErrorBanner, StatusBadge, type Column } from '../../ui';
import { downloadable, recordingUrl, type Recording } from './types';

/** A call's recordings (GET /api/calls/{id}/recordings: whoever may see the call may list them). */
export function useRecordings(callId: number) {
  return useQuery({
    queryKey: [`/api/calls/${callId}/recordings`],
    queryFn: () => api.get<{ items: Recording[] }>(`/api/calls/${callId}/recordings`),
  });
}

/** The file, through CapConduit (the browser downloads it with the session cookie). */
export function DownloadLink({ recording: r, label }: { recording: Recording; label?: string }) {
  return (
    <a href={recordingUrl(r)} download={`${r.name}.${r.format}`}>
      {label ?? 'Download'}
      <span className="sr-only"> recording {r.name}</span>
    </a>
  );
}

/** The recordings of one call as a table: state, duration, times, and a download link. */
export function RecordingsTable({ callId }: { callId: number }) {
  const q = useRecordings(callId);
  const columns: Column<Recording>[] = [
    { header: 'Recording', cell: (r) => <code>{r.name}</code> },
    {
      header: 'State',
      cell: (r) => (
        <div>
          <StatusBadge status={r.state} />
          {r.error && <div className="muted">{r.error}</div>}
        </div>
      ),
    },
    { header: 'Duration', cell: (r) => duration(r.duration), className: 'num' },
    { header: 'Started', cell: (r) => dateTime(r.started_at) },
    { header: 'Ended', cell: (r) => dateTime(r.ended_at) },
    {
      header: 'File',
      cell: (r) =>
        downloadable(r) ? (
          <DownloadLink recording={r} />
        ) : (
          <span className="muted">
            {r.state === 'recording' ? 'still recording' : r.state === 'deleted' ? 'deleted' : 'no file'}
          </span>
        ),
    },
  ];
  if (q.error) return <ErrorBanner error={q.error} />;
  return (
    <DataTable
      caption="Recordings of this call"
      columns={columns}
      rows={q.data?.items}
      rowKey={(r) => r.id}
      empty={
        <Empty title="No recordings">
          This call was not recorded. Agents record a connected call with “Record” on their console.
        </Empty>
      }
    />
  );
}

/** The download links of one call's recordings, compact (a cell of the recent calls). */
export function RecordingLinks({ callId }: { callId: number }) {
  const q = useRecordings(callId);
  if (q.error) return <span className="muted">unavailable</span>;
  const items = q.data?.items;
  if (!items) return <span className="muted">…</span>;
  if (items.length === 0) return <span className="muted">none</span>;
  return (
    <ul className="plain-list">
      {items.map((r) => (
        <li key={r.id}>
          {downloadable(r) ? (
            <DownloadLink recording={r} label={`Download (${duration(r.duration)})`} />
          ) : (
            <span className="muted">{r.state}</span>
          )}
        </li>
      ))}
    </ul>
  );
}
