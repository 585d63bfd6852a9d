import { useQuery } from '@tanstack/react-query';
import { api, type Page } from '../../api';
import { DataTable, dateTime, duration, Empty, ErrorBanner, StatusBadge, type Column } from '../../ui';
import { RecordingLinks } from './Recordings';
import { words, type AgentCallRow } from './types';

const LIMIT = 10;

/** An agent's last calls (GET /api/agent-calls?open=false: an agent gets their own) with recordings. */
export function RecentCalls() {
  const query = { limit: LIMIT, offset: 0, open: false };
  const q = useQuery({
    queryKey: ['/api/agent-calls', query],
    queryFn: () => api.get<Page<AgentCallRow>>('/api/agent-calls', query),
  });
  const columns: Column<AgentCallRow>[] = [
    { header: 'When', cell: (c) => dateTime(c.started_at) },
    { header: 'Number', cell: (c) => c.did ?? '—' },
    {
      header: 'Outcome',
      cell: (c) => (
        <div>
          <StatusBadge status={c.answered_at ? 'answered' : (c.dial_status ?? c.state)} />
          <div className="muted">{words(c.end_cause)}</div>
        </div>
      ),
    },
    { header: 'Talk time', cell: (c) => (c.answered_at ? duration(c.billsec) : '—'), className: 'num' },
    { header: 'Recordings', cell: (c) => <RecordingLinks callId={c.id} /> },
  ];
  if (q.error) return <ErrorBanner error={q.error} />;
  return (
    <DataTable
      caption="Your recent calls"
      columns={columns}
      rows={q.data?.items}
      rowKey={(c) => c.id}
      empty={
        <Empty title="No calls yet">Calls you make appear here once they end, with their recordings.</Empty>
      }
    />
  );
}
