import { Field } from '../../ui';
import type { PhoneDraft } from './AgentForm';

const CODECS = ['ulaw', 'alaw', 'g722', 'g729', 'gsm', 'opus', 'ilbc', 'speex', 'g726', 'slin'] as const;
const DEFAULT_CODECS = { sip: ['ulaw', 'alaw'], webrtc: ['opus', 'ulaw'] };

/** The phone part of the agent form: kind of phone, transport, contacts, context, codecs, wrap-up. */
export function PhoneFields(props: {
  f: PhoneDraft;
  set: <K extends keyof PhoneDraft>(k: K, v: PhoneDraft[K]) => void;
  errors: Record<string, string>;
  creating: boolean;
}) {
  const { f, set } = props;
  const e = props.errors;
  const toggleWebrtc = (on: boolean) => {
    set('webrtc', on);
    // A new agent's codecs follow the kind of phone until someone picks them by hand.
    const untouched = f.codecs.join() === DEFAULT_CODECS[on ? 'sip' : 'webrtc'].join();
    if (props.creating && untouched) set('codecs', DEFAULT_CODECS[on ? 'webrtc' : 'sip']);
  };
  return (
    <fieldset>
      <legend>Phone</legend>
      <label>
        <input type="checkbox" checked={f.webrtc} onChange={(ev) => toggleWebrtc(ev.target.checked)} />{' '}
        Browser phone (WebRTC: encrypted media, ICE)
      </label>
      <div className="form-grid" style={{ alignItems: 'start' }}>
        <Field
          label="Transport"
          error={e.transport}
          hint="A transport named in pjsip.conf, e.g. transport-wss; empty: Asterisk chooses"
        >
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              pattern="[A-Za-z0-9][A-Za-z0-9_.\-]{0,39}"
              maxLength={40}
              autoCapitalize="off"
              spellCheck={false}
              value={f.transport}
              onChange={(ev) => set('transport', ev.target.value)}
            />
          )}
        </Field>
        <Field label="Phones at once" error={e.max_contacts} hint="Registrations allowed (max_contacts)">
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              type="number"
              required
              min={1}
              max={20}
              step={1}
              value={f.max_contacts}
              onChange={(ev) => set('max_contacts', ev.target.value)}
            />
          )}
        </Field>
        <Field label="Dialplan context" error={e.context} hint="Empty: capconduit-agents">
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              pattern="[A-Za-z0-9_.\-]{1,40}"
              maxLength={40}
              autoCapitalize="off"
              spellCheck={false}
              placeholder="capconduit-agents"
              value={f.context}
              onChange={(ev) => set('context', ev.target.value)}
            />
          )}
        </Field>
        <Field
          label="Wrap-up (s)"
          error={e.wrap_up_seconds}
          hint="After each call; empty: the system setting"
        >
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              type="number"
              min={0}
              max={3600}
              step={1}
              value={f.wrap_up_seconds}
              onChange={(ev) => set('wrap_up_seconds', ev.target.value)}
            />
          )}
        </Field>
      </div>
      <fieldset>
        <legend>Codecs{e.codecs ? <span className="field-error"> — {e.codecs}</span> : null}</legend>
        <div className="actions">
          {CODECS.map((c) => (
            <label key={c}>
              <input
                type="checkbox"
                checked={f.codecs.includes(c)}
                onChange={(ev) =>
                  set('codecs', ev.target.checked ? [...f.codecs, c] : f.codecs.filter((x) => x !== c))
                }
              />{' '}
              {c}
            </label>
          ))}
        </div>
        {f.codecs.length === 0 && <small className="field-error">Choose at least one codec.</small>}
      </fieldset>
    </fieldset>
  );
}
