import { useState } from 'react';
import { api } from '../api';
import { useMe } from '../auth';
import { clockTime, useAgentFeed, useElapsed } from '../live';
import {
  DataTable,
  Dialog,
  Empty,
  Notice,
  PageHeader,
  Section,
  StatusBadge,
  dateTime,
  type Column,
} from '../ui';
import { ConfirmDialog } from './common/Confirm';
import { phoneSummary, statusDetail, type Agent, type AgentStatus } from './agents/types';
import { Dialer } from './console/Dialer';
import { agentOnCall, phase, type AgentCall } from './console/types';
import { LiveIndicator } from './MyPhone';

const COUNTED: AgentStatus[] = ['available', 'ringing', 'on_call', 'wrap_up', 'paused', 'offline'];

/**
 * The live wall (admin and staff): every agent with status, phone and current call, pushed by the
 * server as they change; hang up an agent's call, or start one on an agent's behalf.
 */
export function LiveWallPage() {
  const me = useMe();
  const feed = useAgentFeed();
  const elapsed = useElapsed(feed.at);
  const [hangingUp, setHangingUp] = useState<{ agent: Agent; call: AgentCall } | null>(null);
  const [calling, setCalling] = useState<Agent | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const agents = feed.agents;
  const endpoints = new Set(agents?.map((a) => `PJSIP/${a.endpoint_id}`));
  /** A live consultation or transfer leg on an agent's phone: who else is on the call. */
  const targetOf = (c: AgentCall) =>
    c.legs.find(
      (l) =>
        (l.role === 'consult' || l.role === 'transfer') && l.state !== 'gone' && endpoints.has(l.endpoint),
    )?.endpoint;
  /**
   * The call an agent is on: their own (unless it was transferred to another agent and goes on
   * without them), or another agent's that rings or was transferred to them.
   */
  const callOf = (a: Agent) =>
    feed.calls.find((c) => c.agent_id === a.user_id && (agentOnCall(c) || targetOf(c) === undefined)) ??
    feed.calls.find((c) => targetOf(c) === `PJSIP/${a.endpoint_id}`);
  const count = (s: AgentStatus) => agents?.filter((a) => a.status === s).length ?? 0;

  const columns: Column<Agent>[] = [
    {
      header: 'Agent',
      cell: (a) => (
        <div>
          <strong>{a.user_name}</strong>
          <div className="muted">ext. {a.extension}</div>
        </div>
      ),
    },
    {
      header: 'Status',
      cell: (a) => (
        <div>
          <StatusBadge status={a.status} />
          {statusDetail(a) && <div>{statusDetail(a)}</div>}
          <div className="muted">since {dateTime(a.status_changed_at)}</div>
        </div>
      ),
    },
    {
      header: 'Phone',
      cell: (a) => (
        <div>
          <StatusBadge status={a.registration} />
          <div className="muted">{phoneSummary(a)}</div>
        </div>
      ),
    },
    {
      header: 'Current call',
      cell: (a) => {
        const c = callOf(a);
        if (!c) return <span className="muted">—</span>;
        return (
          <div className="wall-call">
            <strong>{c.did ?? 'unknown number'}</strong>
            <div>
              <StatusBadge status={phase(c)} />{' '}
              <span className="call-timer" role="timer" aria-label={`Time on call ${c.id}`}>
                {clockTime(elapsed(c.answered_at ?? c.started_at))}
              </span>
            </div>
          </div>
        );
      },
    },
    {
      header: 'Actions',
      cell: (a) => {
        const c = callOf(a);
        return (
          <div className="actions">
            {c ? (
              <button type="button" className="danger" onClick={() => setHangingUp({ agent: a, call: c })}>
                Hang up<span className="sr-only"> the call of {a.user_name}</span>
              </button>
            ) : (
              <button type="button" className="secondary" onClick={() => setCalling(a)}>
                Call for<span className="sr-only"> {a.user_name}</span>…
              </button>
            )}
          </div>
        );
      },
    },
  ];

  return (
    <>
      <PageHeader
        title="Live wall"
        description="Every agent, their phone and their call, as the server pushes them."
        actions={<LiveIndicator connected={feed.connected} />}
      />
      {notice && <Notice kind="success">{notice}</Notice>}
      <div className="stats">
        <div className="stat live">
          <div className="label">Calls in progress</div>
          <div className="value">{agents ? feed.calls.length : '…'}</div>
        </div>
        {COUNTED.map((s) => (
          <div className="stat" key={s}>
            <div className="label">
              {s === 'on_call' ? 'On a call' : s.replace('_', '-').replace(/^./, (x) => x.toUpperCase())}
            </div>
            <div className="value">{agents ? count(s) : '…'}</div>
          </div>
        ))}
      </div>
      <Section title="Agents">
        <DataTable
          caption="Agents, live"
          columns={columns}
          rows={agents ?? undefined}
          rowKey={(a) => a.id}
          empty={
            <Empty title="No agents yet">
              Give users with role agent an extension under Agents; they appear here.
            </Empty>
          }
        />
      </Section>

      <ConfirmDialog
        title="Hang up"
        open={hangingUp !== null}
        onClose={() => setHangingUp(null)}
        confirmLabel="Hang up the call"
        danger
        action={async () =>
          feed.apply(await api.post<AgentCall>(`/api/agent-calls/${hangingUp!.call.id}/hangup`))
        }
        onDone={() => setNotice(`The call of ${hangingUp?.agent.user_name ?? 'the agent'} was hung up.`)}
      >
        <p>
          Hang up the call of <strong>{hangingUp?.agent.user_name}</strong> with{' '}
          <strong>{hangingUp?.call.did}</strong>? Both the agent and the customer are cut off.
        </p>
      </ConfirmDialog>

      <Dialog
        title={calling ? `Call for ${calling.user_name}` : ''}
        open={calling !== null}
        onClose={() => setCalling(null)}
      >
        {calling && (
          <div className="stack">
            <p className="muted">
              {calling.user_name}’s phone (ext. {calling.extension}) rings first; when they answer, the number
              is dialled.
            </p>
            {calling.registration !== 'registered' && (
              <Notice>{calling.user_name}’s phone is not registered: the server will refuse the call.</Notice>
            )}
            <Dialer
              region={me.phone_region}
              agentId={calling.id}
              submitLabel={`Call for ${calling.user_name}`}
              onCalled={(c) => {
                feed.apply(c);
                setNotice(`Calling ${c.did ?? ''} for ${calling.user_name}: their phone rings first.`);
                setCalling(null);
              }}
            />
          </div>
        )}
      </Dialog>
    </>
  );
}
