import { useEffect, useState } from 'react';
import { api } from '../../api';
import { ErrorBanner, Field, useSubmit } from '../../ui';
import { checkNumber, loadPhoneLib, NUMBER_MAX } from '../../phone';
import { DialPad } from './DialPad';
import type { AgentCall } from './types';

/**
 * Click-to-call (POST /api/agent-calls): the agent's phone rings first, then the number is dialled.
 * The number is checked here as the server checks it (E.164, or national digits read in the
 * server's region); a number the server refuses anyway shows the server's message.
 */
export function Dialer(props: {
  region: string;
  /** Admin and staff call on behalf of an agent (the agents row id); an agent calls for themselves. */
  agentId?: number;
  onCalled: (call: AgentCall) => void;
  submitLabel?: string;
}) {
  const [number, setNumber] = useState('');
  const [invalid, setInvalid] = useState<string | null>(null);
  useEffect(() => void loadPhoneLib().catch(() => undefined), []);

  const form = useSubmit(
    async () => {
      const lib = await loadPhoneLib();
      const checked = checkNumber(number, props.region, lib.parsePhoneNumberFromString);
      if ('error' in checked) {
        setInvalid(checked.error);
        return null;
      }
      setInvalid(null);
      return api.post<AgentCall>('/api/agent-calls', {
        number,
        ...(props.agentId !== undefined ? { agent_id: props.agentId } : {}),
      });
    },
    (call) => {
      if (!call) return;
      setNumber('');
      props.onCalled(call);
    },
  );
  const type = (text: string) => {
    setNumber((n) => (n + text).slice(0, NUMBER_MAX));
    setInvalid(null);
  };

  return (
    <form className="stack dialer" onSubmit={form.submit} noValidate>
      <ErrorBanner error={form.error} />
      <Field
        label="Number to call"
        error={invalid ?? form.fields.number}
        hint={`E.164 (+12125550151) or a national number (${props.region})`}
      >
        {(id, d) => (
          <input
            id={id}
            aria-describedby={d}
            aria-invalid={invalid ? true : undefined}
            className="dial-number"
            type="tel"
            inputMode="tel"
            autoComplete="off"
            required
            maxLength={NUMBER_MAX}
            value={number}
            onChange={(e) => {
              setNumber(e.target.value);
              setInvalid(null);
            }}
          />
        )}
      </Field>
      <DialPad label="Dial pad" onKey={type} />
      <div className="actions">
        <button type="button" className="secondary" onClick={() => type('+')}>
          <span aria-hidden="true">+</span>
          <span className="sr-only">Plus</span>
        </button>
        <button
          type="button"
          className="secondary"
          disabled={number === ''}
          onClick={() => setNumber((n) => n.slice(0, -1))}
        >
          Delete<span className="sr-only"> the last digit</span>
        </button>
        <button type="submit" className="call-button" disabled={form.busy || number.trim() === ''}>
          {form.busy ? 'Calling…' : (props.submitLabel ?? 'Call')}
        </button>
      </div>
    </form>
  );
}
