import { useId, useState, type FormEvent } from 'react';
import { api } from '../api';
import { ErrorBanner, Field } from '../ui';
import { CONSOLE, label, useConsoleAction } from './DialerShared';

/** A datetime-local value (the browser's local time) a little ahead of now, as the default callback. */
function inAnHour(): string {
  const d = new Date(Date.now() + 3_600_000);
  d.setSeconds(0, 0);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

/**
 * The disposition of the call that just ended: one of the campaign's (or typed, when the agent
 * has left the campaign and its list is not known here), with a callback time for "callback".
 * Saving it ends the agent's wrap-up and closes the lead (or schedules the callback).
 */
export function DispositionForm(props: {
  callId: number;
  dispositions: string[] | null;
  onSaved: (message: string) => void;
}) {
  const legend = useId();
  const [choice, setChoice] = useState('');
  const [callbackAt, setCallbackAt] = useState(inAnHour);
  const save = useConsoleAction((body: Record<string, unknown>) => api.post(`${CONSOLE}/disposition`, body));
  const callback = choice === 'callback';

  async function submit(e: FormEvent) {
    e.preventDefault();
    const body: Record<string, unknown> = { call_id: props.callId, disposition: choice.trim() };
    if (callback) body.callback_at = new Date(callbackAt).toISOString();
    if (await save.run(body)) props.onSaved(`Call #${props.callId} saved as ${label(choice.trim())}.`);
  }

  return (
    <form className="stack" onSubmit={(e) => void submit(e)} aria-labelledby={legend}>
      <h3 id={legend} style={{ margin: 0 }}>
        Disposition
      </h3>
      <ErrorBanner error={save.error} />
      {props.dispositions ? (
        <fieldset>
          <legend>How did the call end?</legend>
          <div className="actions">
            {props.dispositions.map((d) => (
              <label key={d}>
                <input
                  type="radio"
                  name={`disposition-${props.callId}`}
                  value={d}
                  required
                  checked={choice === d}
                  onChange={() => setChoice(d)}
                />{' '}
                {label(d)}
              </label>
            ))}
          </div>
        </fieldset>
      ) : (
        <Field label="Disposition" hint="One of the campaign's, e.g. sale">
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              required
              maxLength={40}
              value={choice}
              onChange={(e) => setChoice(e.target.value)}
            />
          )}
        </Field>
      )}
      {callback && (
        <Field label="Call back at" hint="Your local time; the lead is dialled again then">
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              type="datetime-local"
              required
              value={callbackAt}
              onChange={(e) => setCallbackAt(e.target.value)}
            />
          )}
        </Field>
      )}
      <div className="form-actions" style={{ justifyContent: 'flex-start' }}>
        <button type="submit" disabled={save.busy || choice.trim() === ''}>
          {save.busy ? 'Saving…' : 'Save disposition'}
        </button>
      </div>
    </form>
  );
}
