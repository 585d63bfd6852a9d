import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api';
import { SaveError } from '../../conflict';
import { Field, numberOrNull, useSubmit } from '../../ui';
import { PhoneFields } from './PhoneFields';
import { UserPicker, type UserChoice } from './UserPicker';
import type { Agent, AgentWithSecret } from './types';

export interface PhoneDraft {
  extension: string;
  endpoint_id: string;
  context: string;
  codecs: string[];
  max_contacts: string;
  webrtc: boolean;
  transport: string;
  wrap_up_seconds: string;
}

function initial(a: Agent | null): PhoneDraft {
  return {
    extension: a?.extension ?? '',
    endpoint_id: a?.endpoint_id ?? '',
    context: a?.context ?? '',
    codecs: a?.codecs ?? ['ulaw', 'alaw'],
    max_contacts: String(a?.max_contacts ?? 1),
    webrtc: a?.webrtc ?? false,
    transport: a?.transport ?? '',
    wrap_up_seconds: a?.wrap_up_seconds?.toString() ?? '',
  };
}

/** The request body: empty optional fields take the API's defaults (new) or clear the value (edit). */
function toBody(f: PhoneDraft, editing: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = {
    extension: f.extension.trim(),
    codecs: f.codecs,
    max_contacts: Number(f.max_contacts),
    webrtc: f.webrtc,
    transport: f.transport.trim() || null,
    wrap_up_seconds: numberOrNull(f.wrap_up_seconds),
  };
  if (f.endpoint_id.trim() || editing) body.endpoint_id = f.endpoint_id.trim();
  if (f.context.trim() || editing) body.context = f.context.trim();
  return body;
}

/** Create an agent (agent = null; the secret comes back once) or edit its phone settings. */
export function AgentForm(props: {
  agent: Agent | null;
  onCreated: (a: AgentWithSecret) => void;
  onSaved: (a: Agent) => void;
  onCancel: () => void;
}) {
  const editing = props.agent;
  const qc = useQueryClient();
  const [f, setF] = useState<PhoneDraft>(() => initial(editing));
  // The version these values came from: what a save tells the server it is changing.
  const [version, setVersion] = useState(editing?.version);
  const [who, setWho] = useState<UserChoice>({ mode: 'existing', user_id: '' });
  const set = <K extends keyof PhoneDraft>(k: K, v: PhoneDraft[K]) => setF((s) => ({ ...s, [k]: v }));
  const form = useSubmit(
    async () => {
      if (editing) return api.patch<Agent>(`/api/agents/${editing.id}`, toBody(f, true), version);
      const user =
        who.mode === 'existing'
          ? { user_id: Number(who.user_id) }
          : { user: { name: who.name.trim(), email: who.email.trim(), password: who.password } };
      return api.post<AgentWithSecret>('/api/agents', { ...toBody(f, false), ...user });
    },
    (result) => {
      void qc.invalidateQueries({ queryKey: ['/api/agents'] });
      if ('sip_secret' in result) props.onCreated(result);
      else {
        setVersion(result.version);
        props.onSaved(result);
      }
    },
  );
  const reload = async () => {
    if (!editing) return;
    try {
      const fresh = await api.get<Agent>(`/api/agents/${editing.id}`);
      setF(initial(fresh));
      setVersion(fresh.version);
      form.setError(null);
      void qc.invalidateQueries({ queryKey: ['/api/agents'] });
    } catch (err) {
      form.setError(err);
    }
  };
  const e = form.fields;

  return (
    <form className="stack" onSubmit={form.submit}>
      <SaveError error={form.error} what="agent" onReload={reload} />
      {!editing && <UserPicker value={who} onChange={setWho} errors={e} />}
      <div className="form-grid" style={{ alignItems: 'start' }}>
        <Field label="Extension" error={e.extension} hint="2 to 10 digits">
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              required
              inputMode="numeric"
              pattern="[0-9]{2,10}"
              maxLength={10}
              value={f.extension}
              onChange={(ev) => set('extension', ev.target.value)}
            />
          )}
        </Field>
        <Field
          label="SIP user name"
          error={e.endpoint_id}
          hint={editing ? 'Changing it means setting up the phone again' : 'Empty: agent-<extension>'}
        >
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              required={editing !== null}
              pattern="[A-Za-z0-9][A-Za-z0-9_.\-]{0,39}"
              maxLength={40}
              autoCapitalize="off"
              spellCheck={false}
              placeholder={f.extension ? `agent-${f.extension}` : ''}
              value={f.endpoint_id}
              onChange={(ev) => set('endpoint_id', ev.target.value)}
            />
          )}
        </Field>
      </div>
      <PhoneFields f={f} set={set} errors={e} creating={editing === null} />
      <div className="form-actions">
        <button type="button" className="secondary" onClick={props.onCancel}>
          Cancel
        </button>
        <button type="submit" disabled={form.busy || f.codecs.length === 0}>
          {form.busy ? 'Saving…' : editing ? 'Save changes' : 'Create agent'}
        </button>
      </div>
    </form>
  );
}
