import { useId, useState } from 'react';
import { WEBHOOK_EVENTS, WEBHOOK_EVENT_NAMES } from '../../../../src/webhooks/events';
import { api } from '../../api';
import { SaveError } from '../../conflict';
import { Field, useSubmit } from '../../ui';
import { sellerLabel, useSellers } from '../common/sellers';
import type { Subscription, SubscriptionWithSecret } from './types';

/**
 * Create (subscription = null) or change a subscription: URL, description, events, active. An
 * admin creating one chooses whose events: every seller's, or one seller's.
 */
export function SubscriptionForm(props: {
  subscription: Subscription | null;
  isAdmin: boolean;
  onCreated: (s: SubscriptionWithSecret) => void;
  onSaved: () => void;
  onCancel: () => void;
}) {
  const editing = props.subscription;
  const [url, setUrl] = useState(editing?.url ?? '');
  const [description, setDescription] = useState(editing?.description ?? '');
  const [events, setEvents] = useState<string[]>(editing?.events ?? ['call.ended']);
  const [active, setActive] = useState(editing?.active ?? true);
  const [seller, setSeller] = useState('');
  // The version these values came from: what a save tells the server it is changing.
  const [version, setVersion] = useState(editing?.version);
  const sellers = useSellers(props.isAdmin && !editing);
  const eventsId = useId();
  const form = useSubmit(
    async () => {
      const body = { url: url.trim(), description: description.trim() || null, events, active };
      if (editing) {
        setVersion((await api.patch<Subscription>(`/api/webhooks/${editing.id}`, body, version)).version);
        return null;
      }
      return api.post<SubscriptionWithSecret>('/api/webhooks', {
        ...body,
        ...(props.isAdmin ? { seller_id: seller === '' ? null : Number(seller) } : {}),
      });
    },
    (created) => (created ? props.onCreated(created) : props.onSaved()),
  );
  const reload = async () => {
    if (!editing) return;
    try {
      const fresh = await api.get<Subscription>(`/api/webhooks/${editing.id}`);
      setUrl(fresh.url);
      setDescription(fresh.description ?? '');
      setEvents(fresh.events);
      setActive(fresh.active);
      setVersion(fresh.version);
      form.setError(null);
    } catch (err) {
      form.setError(err);
    }
  };
  const e = form.fields;
  return (
    <form className="stack" onSubmit={form.submit}>
      <SaveError error={form.error} what="subscription" onReload={reload} />
      <Field label="URL" error={e.url} hint="http:// or https://; receives a signed POST per event">
        {(id, d) => (
          <input
            id={id}
            aria-describedby={d}
            type="url"
            required
            maxLength={2000}
            placeholder="https://example.com/capconduit"
            autoCapitalize="off"
            spellCheck={false}
            value={url}
            onChange={(ev) => setUrl(ev.target.value)}
          />
        )}
      </Field>
      <Field label="Description" error={e.description}>
        {(id, d) => (
          <input
            id={id}
            aria-describedby={d}
            maxLength={200}
            value={description}
            onChange={(ev) => setDescription(ev.target.value)}
          />
        )}
      </Field>
      {props.isAdmin && !editing && (
        <Field label="Whose events" error={e.seller_id}>
          {(id, d) => (
            <select id={id} aria-describedby={d} value={seller} onChange={(ev) => setSeller(ev.target.value)}>
              <option value="">All sellers (and the platform’s own)</option>
              {(sellers.sellers ?? []).map((s) => (
                <option key={s.seller_id} value={s.seller_id}>
                  {sellerLabel(s, s.seller_id)}
                </option>
              ))}
            </select>
          )}
        </Field>
      )}
      <fieldset
        className={e.events ? 'invalid' : undefined}
        aria-describedby={e.events ? eventsId : undefined}
      >
        <legend>Events</legend>
        {WEBHOOK_EVENT_NAMES.map((name) => (
          <label key={name} style={{ display: 'block' }}>
            <input
              type="checkbox"
              checked={events.includes(name)}
              onChange={(ev) =>
                setEvents(ev.target.checked ? [...events, name] : events.filter((x) => x !== name))
              }
            />{' '}
            <code>{name}</code> <span className="muted">{WEBHOOK_EVENTS[name]}</span>
          </label>
        ))}
        {e.events && (
          <small id={eventsId} className="field-error">
            {e.events}
          </small>
        )}
      </fieldset>
      <label>
        <input type="checkbox" checked={active} onChange={(ev) => setActive(ev.target.checked)} /> Active
        (paused subscriptions receive nothing)
      </label>
      <div className="form-actions">
        <button type="button" className="secondary" onClick={props.onCancel}>
          Cancel
        </button>
        <button type="submit" disabled={form.busy || events.length === 0}>
          {form.busy ? 'Saving…' : editing ? 'Save' : 'Create subscription'}
        </button>
      </div>
    </form>
  );
}
