import { useState, type FormEvent } from 'react';
import { api } from '../../api';
import { clockTime, useElapsed } from '../../live';
import { ErrorBanner, Field, StatusBadge } from '../../ui';
import { DialPad } from './DialPad';
import { endpointLabel, liveLeg, phase, type AgentCall } from './types';

/** What each state asks of the agent, in a sentence. */
const HELP: Record<string, string> = {
  agent_ringing: 'Your phone is ringing: answer it and the customer is dialled.',
  customer_dialing: 'The customer’s phone is ringing.',
  connected: 'You are talking with the customer.',
  on_hold: 'The customer is on hold and hears music.',
  consulting: 'The customer is on hold while you talk to the transfer target.',
  transferring: 'The customer is being transferred.',
};

/**
 * The call in progress with its running time and every control the API offers: hang up, hold,
 * mute, DTMF, blind and attended transfer, recording. Each button is one POST to
 * /api/agent-calls/{id}/…; the call shown follows the server (the live stream and each answer).
 */
export function CurrentCall(props: { call: AgentCall; at: string | null; onChange: (c: AgentCall) => void }) {
  const c = props.call;
  const elapsed = useElapsed(props.at);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [keypad, setKeypad] = useState(false);
  const [sent, setSent] = useState('');
  const [target, setTarget] = useState('');

  async function act(name: string, path: string, body?: unknown): Promise<boolean> {
    setBusy(name);
    setError(null);
    try {
      props.onChange(await api.post<AgentCall>(`/api/agent-calls/${c.id}/${path}`, body));
      return true;
    } catch (err) {
      setError(err);
      return false;
    } finally {
      setBusy(null);
    }
  }

  const p = phase(c);
  const customer = liveLeg(c, 'customer');
  const agent = liveLeg(c, 'agent');
  const consult = liveLeg(c, 'consult');
  const transfer = liveLeg(c, 'transfer');
  const talking = c.state === 'connected' && customer?.state === 'up';
  const held = customer?.held ?? false;
  const muted = agent?.muted ?? false;
  const recording = c.recordings.some((r) => r.state === 'recording');
  const since = c.answered_at ?? c.started_at;

  async function transferTo(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const mode = ((e.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null)?.value;
    if (await act(`transfer-${mode}`, 'transfer', { to: target.trim(), mode })) setTarget('');
  }

  return (
    <div className="stack current-call">
      <div className="call-head">
        <div>
          <div className="call-number">{c.did ?? 'Unknown number'}</div>
          <div className="muted">
            {c.caller_id ? `Shown to the customer as ${c.caller_id}` : 'No caller ID'} · call #{c.id}
          </div>
        </div>
        <div className="call-status">
          <StatusBadge status={p} />
          <span className="call-timer" role="timer" aria-label={c.answered_at ? 'Talk time' : 'Time'}>
            {clockTime(elapsed(since))}
          </span>
          {recording && <span className="badge bad">● recording</span>}
        </div>
      </div>
      <p className="muted" aria-live="polite">
        {HELP[p] ?? ''}
      </p>
      <ErrorBanner error={error} />

      <div className="actions call-controls">
        <button
          type="button"
          className="danger"
          disabled={busy !== null}
          onClick={() => void act('hangup', 'hangup')}
        >
          {busy === 'hangup' ? 'Hanging up…' : 'Hang up'}
        </button>
        <button
          type="button"
          className="secondary"
          aria-pressed={held}
          disabled={!talking || busy !== null || consult !== undefined}
          onClick={() => void act('hold', 'hold', { on: !held })}
        >
          {held ? 'Resume' : 'Hold'}
        </button>
        <button
          type="button"
          className="secondary"
          aria-pressed={muted}
          disabled={agent?.state !== 'up' || busy !== null}
          onClick={() => void act('mute', 'mute', { on: !muted })}
        >
          {muted ? 'Unmute' : 'Mute'}
        </button>
        <button
          type="button"
          className="secondary"
          aria-expanded={keypad}
          aria-controls={`keypad-${c.id}`}
          disabled={!talking}
          onClick={() => setKeypad((k) => !k)}
        >
          Keypad
        </button>
        <button
          type="button"
          className="secondary"
          aria-pressed={recording}
          disabled={!talking || busy !== null}
          onClick={() => void act('record', recording ? 'recording/stop' : 'recording/start')}
        >
          {recording ? 'Stop recording' : 'Record'}
        </button>
      </div>

      {keypad && talking && (
        <div id={`keypad-${c.id}`} className="stack">
          <DialPad
            label="Keypad: send tones to the customer"
            disabled={busy !== null}
            onKey={(d) => void act('dtmf', 'dtmf', { digits: d }).then((ok) => ok && setSent((s) => s + d))}
          />
          <p className="muted" aria-live="polite">
            {sent ? `Sent: ${sent}` : 'Tones go to the customer (an IVR menu, an extension).'}
          </p>
        </div>
      )}

      {consult ? (
        <div className="stack transfer-box">
          <p>
            Consulting <strong>{endpointLabel(consult.endpoint)}</strong>:{' '}
            {consult.state === 'up' ? 'answered, you are talking to them' : 'ringing'}. The customer is on
            hold.
          </p>
          <div className="actions">
            <button
              type="button"
              disabled={consult.state !== 'up' || busy !== null}
              onClick={() => void act('complete', 'transfer/complete')}
            >
              Complete transfer
            </button>
            <button
              type="button"
              className="secondary"
              disabled={busy !== null}
              onClick={() => void act('cancel', 'transfer/cancel')}
            >
              Cancel transfer
            </button>
          </div>
        </div>
      ) : transfer ? (
        <p className="transfer-box">
          Transferring to <strong>{endpointLabel(transfer.endpoint)}</strong> (
          {transfer.state === 'up' ? 'answered' : 'ringing'}).
        </p>
      ) : (
        talking && (
          <form className="filters transfer-box" onSubmit={(e) => void transferTo(e)}>
            <Field label="Transfer to" hint="An agent’s extension or a phone number">
              {(id, d) => (
                <input
                  id={id}
                  aria-describedby={d}
                  required
                  minLength={2}
                  maxLength={32}
                  autoComplete="off"
                  value={target}
                  onChange={(e) => setTarget(e.target.value)}
                />
              )}
            </Field>
            <button type="submit" value="blind" className="secondary" disabled={busy !== null}>
              Blind transfer
            </button>
            <button type="submit" value="attended" className="secondary" disabled={busy !== null}>
              Consult first
            </button>
          </form>
        )
      )}
    </div>
  );
}
