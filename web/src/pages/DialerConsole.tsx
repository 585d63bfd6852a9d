import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, ApiError } from '../api';
import { ErrorBanner, Field, Loading, Notice, PageHeader, Section, StatusBadge, dateTime } from '../ui';
import { DispositionForm } from './DialerDisposition';
import { LeadCard } from './DialerLead';
import { CONSOLE, label, useConsoleAction, type ConsoleState } from './DialerShared';

/** The live stream carries no dialer state: the console reads it every second. */
const POLL_MS = 1000;
const OPEN = ['customer_dialing', 'amd', 'waiting_agent', 'connected'];
const CALL_STATE: Record<string, string> = {
  customer_dialing: 'Dialling the customer…',
  amd: 'Answered: checking for an answering machine…',
  waiting_agent: 'Answered: putting the customer through…',
  connected: 'You are talking with the customer.',
  ended: 'The call has ended: record its disposition.',
};
const REASONS = ['Break', 'Lunch', 'Training', 'Meeting', 'After-call work', 'Technical problem'];

/**
 * The agent's dialer console: join a campaign, wait (ready), pause and resume, the lead and the
 * call as they come, hang up, the disposition afterwards; in preview mode, next lead, dial, skip.
 */
export function DialerConsolePage() {
  const [saved, setSaved] = useState<string | null>(null);
  const state = useQuery({
    queryKey: [CONSOLE],
    queryFn: () => api.get<ConsoleState>(CONSOLE),
    refetchInterval: POLL_MS,
    retry: false,
  });
  const header = (
    <PageHeader
      title="Dialer"
      description="Join a campaign and customers are put through to your phone as they answer."
    />
  );
  if (state.error instanceof ApiError && state.error.status === 404) {
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
  if (!state.data) return state.error ? <ErrorBanner error={state.error} /> : <Loading />;
  const s = state.data;
  return (
    <>
      {header}
      <ErrorBanner error={state.error} />
      {saved && !s.call && <Notice kind="success">{saved}</Notice>}
      <div className="grid two">
        <CampaignCard state={s} />
        <StatusCard state={s} />
      </div>
      {s.call && <CallCard state={s} call={s.call} onSaved={setSaved} />}
      {!s.call && s.session && s.campaign?.mode === 'preview' && <PreviewCard state={s} />}
      {s.lead && <LeadCard lead={s.lead} />}
    </>
  );
}

function CampaignCard({ state: s }: { state: ConsoleState }) {
  const [choice, setChoice] = useState('');
  const campaigns = useQuery({
    queryKey: ['/api/dialer/campaigns', { limit: 200 }],
    queryFn: () =>
      api.get<{ items: { id: number; name: string; status: string; mode: string }[] }>(
        '/api/dialer/campaigns',
        { limit: 200 },
      ),
    enabled: s.session === null,
  });
  const join = useConsoleAction((id: number) => api.post(`${CONSOLE}/join`, { campaign_id: id }));
  const leave = useConsoleAction(() => api.post(`${CONSOLE}/leave`));
  if (s.session) {
    return (
      <Section title="Campaign">
        <p>
          <strong>{s.campaign?.name ?? `Campaign ${s.session.campaign_id}`}</strong>{' '}
          {s.campaign && <span className="muted">({label(s.campaign.mode)})</span>}
        </p>
        <p role="status">
          <StatusBadge status={s.session.state} />{' '}
          {s.session.state === 'connecting'
            ? 'Your phone is ringing: answer it to start taking calls.'
            : 'Your phone is connected: calls come through as customers answer.'}
        </p>
        <p className="muted">Joined {dateTime(s.session.joined_at)}</p>
        <ErrorBanner error={leave.error} />
        <button
          type="button"
          className="secondary"
          disabled={leave.busy}
          onClick={() => void leave.run(undefined)}
        >
          {leave.busy ? 'Leaving…' : 'Leave campaign'}
        </button>
      </Section>
    );
  }
  const choices = (campaigns.data?.items ?? []).filter((c) => c.status !== 'archived');
  return (
    <Section title="Campaign">
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          if (choice) void join.run(Number(choice));
        }}
      >
        <Field label="Dialer campaign" hint="Your phone rings once and stays connected while you are in it">
          {(id, d) => (
            <select
              id={id}
              aria-describedby={d}
              required
              value={choice}
              onChange={(e) => setChoice(e.target.value)}
            >
              <option value="">Choose a campaign…</option>
              {choices.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name} ({label(c.mode)}
                  {c.status === 'paused' ? ', paused' : ''})
                </option>
              ))}
            </select>
          )}
        </Field>
        <button type="submit" disabled={join.busy}>
          {join.busy ? 'Joining…' : 'Join'}
        </button>
      </form>
      <ErrorBanner error={campaigns.error ?? join.error} />
    </Section>
  );
}

function StatusCard({ state: s }: { state: ConsoleState }) {
  const [reason, setReason] = useState('');
  const pause = useConsoleAction((r: string) =>
    api.put('/api/me/agent/status', { status: 'paused', reason: r }),
  );
  const resume = useConsoleAction(() => api.put('/api/me/agent/status', { status: 'available' }));
  const a = s.agent;
  const onCall = a.status === 'ringing' || a.status === 'on_call';
  return (
    <Section title="Status">
      <p role="status">
        <StatusBadge status={a.status} /> ext. {a.extension}
        {a.pause_reason &&
          (a.status === 'paused' ? ` · ${a.pause_reason}` : ` · pauses after this call: ${a.pause_reason}`)}
      </p>
      <ErrorBanner error={pause.error ?? resume.error} />
      {a.status === 'paused' || a.pause_reason ? (
        <button type="button" disabled={resume.busy} onClick={() => void resume.run(undefined)}>
          {a.status === 'paused' ? 'Resume' : 'Cancel the pause'}
        </button>
      ) : (
        <>
          {(a.status === 'wrap_up' || a.status === 'offline') && (
            <button type="button" disabled={resume.busy} onClick={() => void resume.run(undefined)}>
              {a.status === 'wrap_up' ? 'End wrap-up: available' : 'Available'}
            </button>
          )}
          <form
            className="filters"
            onSubmit={(e) => {
              e.preventDefault();
              void pause.run(reason.trim()).then((ok) => ok && setReason(''));
            }}
          >
            <Field
              label="Pause reason"
              hint={onCall ? 'You are on a call: the pause starts after it' : undefined}
            >
              {(id, d) => (
                <>
                  <input
                    id={id}
                    aria-describedby={d}
                    required
                    maxLength={100}
                    list={`${id}-reasons`}
                    value={reason}
                    onChange={(e) => setReason(e.target.value)}
                  />
                  <datalist id={`${id}-reasons`}>
                    {REASONS.map((r) => (
                      <option key={r} value={r} />
                    ))}
                  </datalist>
                </>
              )}
            </Field>
            <button type="submit" className="secondary" disabled={pause.busy}>
              Pause
            </button>
          </form>
        </>
      )}
    </Section>
  );
}

function CallCard(props: {
  state: ConsoleState;
  call: NonNullable<ConsoleState['call']>;
  onSaved: (message: string) => void;
}) {
  const { state: s, call } = props;
  const hangup = useConsoleAction((id: number) => api.post(`/api/agent-calls/${id}/hangup`));
  const open = OPEN.includes(call.state);
  return (
    <Section title={open ? 'Current call' : 'Last call'}>
      <div className="call-head">
        <div>
          <div className="call-number">{call.number ?? 'Unknown number'}</div>
          <div className="muted">
            call #{call.id}
            {call.caller_id ? ` · shown as ${call.caller_id}` : ''}
            {call.answered_at ? ` · answered ${dateTime(call.answered_at)}` : ''}
          </div>
        </div>
        <div className="call-status">
          <StatusBadge status={call.state} />
          {call.outcome && <span className="badge neutral">{label(call.outcome)}</span>}
        </div>
      </div>
      <p className="muted" aria-live="polite">
        {CALL_STATE[call.state] ?? label(call.state)}
      </p>
      {open ? (
        <>
          <ErrorBanner error={hangup.error} />
          <button
            type="button"
            className="danger"
            disabled={hangup.busy}
            onClick={() => void hangup.run(call.id)}
          >
            {hangup.busy ? 'Hanging up…' : 'Hang up'}
          </button>
        </>
      ) : (
        <DispositionForm
          callId={call.id}
          dispositions={s.campaign?.dispositions ?? null}
          onSaved={props.onSaved}
        />
      )}
    </Section>
  );
}

function PreviewCard({ state: s }: { state: ConsoleState }) {
  const next = useConsoleAction(() => api.post(`${CONSOLE}/preview/next`));
  const dial = useConsoleAction((id: number) => api.post(`${CONSOLE}/preview/dial`, { lead_id: id }));
  const skip = useConsoleAction((id: number) => api.post(`${CONSOLE}/preview/skip`, { lead_id: id }));
  const lead = s.lead;
  const busy = next.busy || dial.busy || skip.busy;
  return (
    <Section title="Preview">
      <ErrorBanner error={next.error ?? dial.error ?? skip.error} />
      {lead ? (
        <div className="actions">
          <button
            type="button"
            className="call-button"
            disabled={busy}
            onClick={() => void dial.run(lead.id)}
          >
            Dial {lead.name ?? lead.phone}
          </button>
          <button type="button" className="secondary" disabled={busy} onClick={() => void skip.run(lead.id)}>
            Skip
          </button>
        </div>
      ) : (
        <>
          <p className="muted">Preview mode: look at the next lead before you dial it.</p>
          <button type="button" disabled={busy} onClick={() => void next.run(undefined)}>
            Next lead
          </button>
        </>
      )}
    </Section>
  );
}
