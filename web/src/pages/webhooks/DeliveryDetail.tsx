import { useQuery } from '@tanstack/react-query';
import { api } from '../../api';
import { DataTable, Dialog, ErrorBanner, Loading, StatusBadge, dateTime, type Column } from '../../ui';
import { WRAP, type Delivery } from './types';

interface Attempt {
  id: number;
  started_at: string;
  duration_ms: number;
  http_status: number | null;
  error: string | null;
  response_excerpt: string | null;
}

interface Detail extends Delivery {
  payload: unknown;
  log: Attempt[];
}

const columns: Column<Attempt>[] = [
  { header: 'When', cell: (a) => dateTime(a.started_at) },
  { header: 'Result', cell: (a) => (a.http_status !== null ? `HTTP ${a.http_status}` : 'no answer') },
  { header: 'Took', cell: (a) => `${a.duration_ms} ms`, className: 'num' },
  {
    header: 'Error or answer',
    cell: (a) => (
      <div style={WRAP}>
        {a.error && <div className="field-error">{a.error}</div>}
        {a.response_excerpt && <code>{a.response_excerpt}</code>}
      </div>
    ),
  },
];

/** One delivery: its event id (what receivers dedupe on), the body sent, and every attempt. */
export function DeliveryDetail(props: { delivery: Delivery | null; onClose: () => void }) {
  const id = props.delivery?.id;
  const detail = useQuery({
    queryKey: ['/api/webhook-deliveries', id],
    queryFn: () => api.get<Detail>(`/api/webhook-deliveries/${id}`),
    enabled: id !== undefined,
  });
  const d = detail.data;
  return (
    <Dialog
      title={props.delivery ? `Delivery of ${props.delivery.event}` : ''}
      open={id !== undefined}
      onClose={props.onClose}
    >
      <ErrorBanner error={detail.error} />
      {!d && !detail.error && <Loading />}
      {d && (
        <div className="stack">
          <dl className="facts">
            <dt>Status</dt>
            <dd>
              <StatusBadge status={d.state} />
            </dd>
            <dt>Event id</dt>
            <dd>
              <code style={WRAP}>{d.event_id}</code>
            </dd>
            <dt>URL</dt>
            <dd style={WRAP}>{d.url}</dd>
          </dl>
          <h3>Body</h3>
          <pre style={{ ...WRAP, whiteSpace: 'pre-wrap', margin: 0 }}>
            {JSON.stringify(d.payload, null, 2)}
          </pre>
          <h3>Attempts</h3>
          <DataTable
            caption="Attempts"
            columns={columns}
            rows={d.log}
            rowKey={(a) => a.id}
            empty={<p className="muted">Not sent yet.</p>}
          />
        </div>
      )}
    </Dialog>
  );
}
