import { useQuery } from '@tanstack/react-query';
import { api, ApiError } from '../api';
import { dateTime, duration, ErrorBanner, Loading, Notice, PageHeader, Section, StatusBadge } from '../ui';
import { StatusControl } from './agents/StatusControl';
import { AGENT_POLL_MS, phoneSummary, statusDetail, type Agent } from './agents/types';

/**
 * An agent's own page: their extension, whether the phone is registered, and their status.
 * The agent console (dial pad, call controls) will sit beside these two sections.
 */
export function MyPhonePage() {
  const mine = useQuery({
    queryKey: ['/api/me/agent'],
    queryFn: () => api.get<Agent>('/api/me/agent'),
    // Calls, wrap-up and the phone's registration change it on the server.
    refetchInterval: AGENT_POLL_MS,
    retry: false,
  });
  const header = (
    <PageHeader title="My phone" description="Your extension, your phone's registration and your status." />
  );
  if (mine.error instanceof ApiError && mine.error.status === 404) {
    return (
      <>
        {header}
        <div className="empty page-state">
          <h2>No extension yet</h2>
          <p>An administrator has not given you a phone extension yet. Ask them to add you under Agents.</p>
        </div>
      </>
    );
  }
  if (mine.error) return <ErrorBanner error={mine.error} />;
  if (!mine.data) return <Loading />;
  const a = mine.data;
  return (
    <>
      {header}
      {a.registration !== 'registered' && (
        <Notice>
          {a.registration === 'unregistered'
            ? 'Your phone is not registered: calls cannot reach you until it is.'
            : 'Asterisk has not reported your phone yet.'}
        </Notice>
      )}
      <div className="grid two">
        <Section title="Status">
          <p>
            <StatusBadge status={a.status} /> {statusDetail(a)}
          </p>
          <p className="muted">
            Since {dateTime(a.status_changed_at)}
            {a.status === 'wrap_up' && a.wrap_up_until
              ? ` · wrap-up ends by itself in ${duration((Date.parse(a.wrap_up_until) - Date.now()) / 1000)}`
              : ''}
          </p>
          <StatusControl agent={a} />
        </Section>
        <Section title="Phone">
          <dl className="facts">
            <dt>Extension</dt>
            <dd>{a.extension}</dd>
            <dt>SIP user name</dt>
            <dd>
              <code>{a.endpoint_id}</code>
            </dd>
            <dt>Registration</dt>
            <dd>
              <StatusBadge status={a.registration} /> <span className="muted">{phoneSummary(a)}</span>
            </dd>
            <dt>Contact</dt>
            <dd>{a.registration_contact ?? '—'}</dd>
            <dt>Phone type</dt>
            <dd>{a.webrtc ? 'Browser (WebRTC)' : 'SIP phone or softphone'}</dd>
          </dl>
          <p className="muted">
            Your SIP password was shown once when your extension was made. If it is lost, an administrator
            makes a new one.
          </p>
        </Section>
      </div>
    </>
  );
}
