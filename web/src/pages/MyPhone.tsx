import { useQuery } from '@tanstack/react-query';
import { api, ApiError } from '../api';
import { useMe } from '../auth';
import { useAgentFeed, type AgentFeedState } from '../live';
import { dateTime, duration, ErrorBanner, Loading, Notice, PageHeader, Section, StatusBadge } from '../ui';
import { StatusControl } from './agents/StatusControl';
import { AGENT_POLL_MS, phoneSummary, statusDetail, type Agent } from './agents/types';
import { CurrentCall } from './console/CurrentCall';
import { Dialer } from './console/Dialer';
import { RecentCalls } from './console/RecentCalls';
import { agentOnCall, words } from './console/types';

/**
 * The agent console: status, the phone's registration, a dial pad for click-to-call, the call in
 * progress with its controls, and recent calls with their recordings. Status and calls follow the
 * server over the live stream (agent events); the REST reads are the start and a safety net.
 */
export function MyPhonePage() {
  const me = useMe();
  const feed = useAgentFeed();
  const mine = useQuery({
    queryKey: ['/api/me/agent'],
    queryFn: () => api.get<Agent>('/api/me/agent'),
    // The stream pushes every change; without it, read again as the other agent pages do.
    refetchInterval: feed.connected ? 30_000 : AGENT_POLL_MS,
    retry: false,
  });
  const header = (
    <PageHeader
      title="My phone"
      description="Your status, your phone, your calls: everything here follows the server by itself."
      actions={<LiveIndicator connected={feed.connected} />}
    />
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
      <CallCard
        feed={feed}
        userId={me.id}
        region={me.phone_region}
        registered={a.registration === 'registered'}
      />
      <Section title="Recent calls">
        <RecentCalls />
      </Section>
    </>
  );
}

/** The call in progress, or the dial pad (with how the last call ended). */
function CallCard(props: { feed: AgentFeedState; userId: number; region: string; registered: boolean }) {
  const { feed } = props;
  const mine = feed.calls.filter((c) => c.agent_id === props.userId);
  // After a transfer the call goes on without the agent, who may take the next one.
  const call = mine.find(agentOnCall);
  const transferred = mine.find((c) => !agentOnCall(c));
  const last = feed.ended[props.userId];
  if (call) {
    return (
      <Section title="Current call">
        <CurrentCall call={call} at={feed.at} onChange={feed.apply} />
      </Section>
    );
  }
  return (
    <Section title="Make a call">
      {transferred ? (
        <Notice>
          Your call to {transferred.did ?? 'an unknown number'} was transferred: it goes on without you.
        </Notice>
      ) : (
        last && (
          <Notice>
            Your call to {last.did ?? 'an unknown number'} ended: {words(last.end_cause)}
            {last.answered_at ? ` after ${duration(last.billsec)}` : ''}.
          </Notice>
        )
      )}
      {!props.registered && (
        <p className="muted">Your phone must be registered: it rings first, then the number is dialled.</p>
      )}
      <Dialer region={props.region} onCalled={feed.apply} />
    </Section>
  );
}

/** Whether the page is receiving the server's pushes. */
export function LiveIndicator({ connected }: { connected: boolean }) {
  return (
    <span className="muted" role="status">
      <span className={`live-dot${connected ? '' : ' off'}`} aria-hidden="true" />
      {connected ? 'Live' : 'Reconnecting…'}
    </span>
  );
}
