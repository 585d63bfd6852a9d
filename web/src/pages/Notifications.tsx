import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api } from '../api';
import { isStaff, useMe } from '../auth';
import {
  Badge,
  Empty,
  ErrorBanner,
  Loading,
  Notice,
  PageHeader,
  Pagination,
  Section,
  dateTime,
  useSubmit,
} from '../ui';

// My notifications (GET /api/notifications), newest first. Unread ones stand out; marking
// them read refreshes the unread badge in the header (same query key prefix).

interface Notification {
  id: number;
  kind: string;
  title: string;
  body: string | null;
  data: Record<string, unknown>;
  read_at: string | null;
  created_at: string;
}

interface NotificationPage {
  items: Notification[];
  total: number;
  limit: number;
  offset: number;
  unread: number;
}

const PAGE_SIZE = 25;

/**
 * Where a notification leads, from what its `data` points at: caller IDs that went into cooldown
 * open the caller-ID numbers in cooldown (in their pool when they share one: `campaign` empty is
 * the global pool), a campaign its page, a buyer's pause the clients (admin and staff), a low
 * balance the seller's balance.
 */
export function notificationLink(
  n: Pick<Notification, 'kind' | 'data'>,
  staff = false,
): { to: string; label: string } | undefined {
  const d = n.data;
  if (n.kind === 'caller_id_cooldown' || typeof d.number_id === 'number') {
    const q = new URLSearchParams({ status: 'cooldown' });
    if (d.same_pool !== false && (typeof d.campaign === 'string' || d.campaign === null))
      q.set('campaign', (d.campaign as string | null) ?? '');
    return { to: `/caller-ids?${q.toString()}`, label: 'Open caller IDs in cooldown' };
  }
  if (typeof d.campaign_id === 'number') return { to: `/campaigns/${d.campaign_id}`, label: 'Open campaign' };
  if (staff && typeof d.client_id === 'number') return { to: '/clients', label: 'Open clients' };
  if (n.kind === 'low_balance')
    return {
      to: staff && typeof d.seller_id === 'number' ? `/balances?seller=${d.seller_id}` : '/balances',
      label: 'Open balance',
    };
  return undefined;
}

export function NotificationsPage() {
  const qc = useQueryClient();
  const [params, setParams] = useSearchParams();
  const offset = Math.max(0, Number(params.get('offset')) || 0);
  const unreadOnly = params.get('unread') === 'true';
  const query = { limit: PAGE_SIZE, offset, unread: unreadOnly || undefined };
  const list = useQuery({
    queryKey: ['/api/notifications', query],
    queryFn: () => api.get<NotificationPage>('/api/notifications', query),
    placeholderData: (prev) => prev,
  });
  const refresh = () => qc.invalidateQueries({ queryKey: ['/api/notifications'] });
  const [marked, setMarked] = useState<number | null>(null);
  const readAll = useSubmit(
    () => api.post<{ updated: number }>('/api/notifications/read-all'),
    (r) => {
      setMarked(r.updated);
      void refresh();
    },
  );

  function setParam(key: string, value: string | undefined) {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    if (key !== 'offset') next.delete('offset');
    setParams(next);
  }

  const unread = list.data?.unread ?? 0;
  return (
    <>
      <PageHeader
        title="Notifications"
        description={list.data ? `${unread} unread` : undefined}
        actions={
          <button
            type="button"
            className="secondary"
            disabled={readAll.busy || unread === 0}
            onClick={() => void readAll.submit()}
          >
            {readAll.busy ? 'Marking…' : 'Mark all read'}
          </button>
        }
      />
      <ErrorBanner error={readAll.error} />
      {marked !== null && (
        <Notice kind="success">
          {marked === 1 ? 'One notification marked read.' : `${marked} notifications marked read.`}
        </Notice>
      )}
      <Section
        title="Inbox"
        actions={
          <label>
            <input
              type="checkbox"
              checked={unreadOnly}
              onChange={(e) => setParam('unread', e.target.checked ? 'true' : undefined)}
            />{' '}
            Unread only
          </label>
        }
      >
        <ErrorBanner error={list.error} />
        {!list.data && !list.error && <Loading what="Loading notifications" />}
        {list.data && list.data.items.length === 0 && (
          <Empty title={unreadOnly ? 'Nothing unread' : 'No notifications yet'}>
            {unreadOnly
              ? 'You are all caught up. Untick "Unread only" to see older notifications.'
              : 'You will be told here when a cap is reached, a balance runs low or something needs your attention.'}
          </Empty>
        )}
        {list.data && list.data.items.length > 0 && (
          <ul className="notifications" style={{ listStyle: 'none', margin: 0, padding: 0 }}>
            {list.data.items.map((n) => (
              <NotificationItem key={n.id} n={n} onRead={refresh} />
            ))}
          </ul>
        )}
        {list.data && (
          <Pagination
            total={list.data.total}
            limit={PAGE_SIZE}
            offset={offset}
            onChange={(o) => setParam('offset', o > 0 ? String(o) : undefined)}
          />
        )}
      </Section>
    </>
  );
}

function NotificationItem({ n, onRead }: { n: Notification; onRead: () => unknown }) {
  const read = useSubmit(() => api.post<Notification>(`/api/notifications/${n.id}/read`), onRead);
  const unread = n.read_at === null;
  const link = notificationLink(n, isStaff(useMe()));
  return (
    <li
      style={{
        padding: '0.75rem',
        borderBottom: '1px solid var(--border)',
        borderLeft: `4px solid ${unread ? 'var(--primary)' : 'transparent'}`,
        background: unread ? 'var(--info-bg)' : undefined,
      }}
    >
      <div style={{ display: 'flex', flexWrap: 'wrap', gap: '0.5rem', alignItems: 'baseline' }}>
        {unread ? <Badge tone="info">Unread</Badge> : <span className="sr-only">Read</span>}
        <strong>{n.title}</strong>
        <Badge>{n.kind.replace(/_/g, ' ')}</Badge>
        <span className="muted" style={{ marginLeft: 'auto' }}>
          <time dateTime={n.created_at}>{dateTime(n.created_at)}</time>
        </span>
      </div>
      {n.body && <p style={{ margin: '0.35rem 0 0' }}>{n.body}</p>}
      {link && (
        <p style={{ margin: '0.35rem 0 0' }}>
          <Link to={link.to} onClick={() => unread && void read.submit()}>
            {link.label}
          </Link>
        </p>
      )}
      <ErrorBanner error={read.error} />
      {unread ? (
        <div className="form-actions" style={{ justifyContent: 'flex-start' }}>
          <button
            type="button"
            className="secondary"
            disabled={read.busy}
            onClick={() => void read.submit()}
            aria-label={`Mark read: ${n.title}`}
          >
            {read.busy ? 'Marking…' : 'Mark read'}
          </button>
        </div>
      ) : (
        <small className="muted">Read {dateTime(n.read_at)}</small>
      )}
    </li>
  );
}
