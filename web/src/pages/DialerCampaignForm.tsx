import { useState } from 'react';
import { api } from '../api';
import { SaveError } from '../conflict';
import { zoneChoices } from '../timezones';
import { Field, useSubmit } from '../ui';
import { CallerIdPool, RetryPolicy, Select, ServerPicker, type Retry } from './DialerCampaignFields';
import { RETRY_OUTCOMES, type DialerCampaign } from './DialerShared';

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const SOUND = '[A-Za-z0-9_\\/.\\-]{1,100}';
const DEFAULT_POLICY: DialerCampaign['retry_policy'] = {
  busy: { delay_minutes: 15, max: 3 },
  no_answer: { delay_minutes: 60, max: 3 },
  machine: { delay_minutes: 240, max: 2 },
  failed: { delay_minutes: 30, max: 2 },
  abandoned: { delay_minutes: 30, max: 2 },
};

/** The form's fields as typed (strings), from a campaign or the API's defaults. */
function initial(c: DialerCampaign | null) {
  const policy = c?.retry_policy ?? DEFAULT_POLICY;
  return {
    name: c?.name ?? '',
    status: c?.status === 'active' ? 'active' : 'paused',
    mode: c?.mode ?? 'progressive',
    server_id: c?.server_id?.toString() ?? '',
    max_dial_level: String(c?.max_dial_level ?? 3),
    abandon_target: String(Math.round((c?.abandon_target ?? 0.03) * 10_000) / 100),
    ring_timeout_seconds: String(c?.ring_timeout_seconds ?? 25),
    max_attempts: String(c?.max_attempts ?? 5),
    amd: c?.amd ?? 'off',
    machine_sound: c?.machine_sound ?? '',
    abandon_sound: c?.abandon_sound ?? 'capconduit-abandon',
    callerid_campaign: c?.callerid_campaign ?? '',
    dispositions: (c?.dispositions ?? ['sale', 'callback', 'not_interested', 'wrong_number', 'dnc']).join(
      ', ',
    ),
    call_start: c?.call_start ?? '08:00',
    call_end: c?.call_end ?? '21:00',
    call_days: c?.call_days ?? [1, 2, 3, 4, 5, 6, 7],
    unknown_tz_zone: c?.unknown_tz_zone ?? '',
    retry: Object.fromEntries(
      RETRY_OUTCOMES.map((o) => [
        o,
        { delay_minutes: String(policy[o].delay_minutes), max: String(policy[o].max) },
      ]),
    ) as Retry,
  };
}
type FormState = ReturnType<typeof initial>;

function toBody(f: FormState): Record<string, unknown> {
  const orNull = (s: string) => (s.trim() === '' ? null : s.trim());
  return {
    name: f.name.trim(),
    status: f.status,
    mode: f.mode,
    server_id: f.server_id === '' ? null : Number(f.server_id),
    max_dial_level: Number(f.max_dial_level),
    abandon_target: Math.round(Number(f.abandon_target) * 100) / 10_000,
    ring_timeout_seconds: Number(f.ring_timeout_seconds),
    max_attempts: Number(f.max_attempts),
    amd: f.amd,
    machine_sound: orNull(f.machine_sound),
    abandon_sound: f.abandon_sound.trim(),
    callerid_campaign: orNull(f.callerid_campaign),
    dispositions: f.dispositions
      .split(',')
      .map((d) => d.trim())
      .filter(Boolean),
    call_start: f.call_start,
    call_end: f.call_end,
    call_days: f.call_days,
    unknown_tz_zone: orNull(f.unknown_tz_zone),
    retry_policy: Object.fromEntries(
      RETRY_OUTCOMES.map((o) => [
        o,
        { delay_minutes: Number(f.retry[o].delay_minutes), max: Number(f.retry[o].max) },
      ]),
    ),
  };
}

/**
 * Create (campaign = null) or edit a dialer campaign: every field of the API. An edit sends back
 * the version it loaded (If-Match), so a change made meanwhile by someone else is refused (412),
 * said so, and can be loaded instead of being overwritten.
 */
export function DialerCampaignForm(props: {
  campaign: DialerCampaign | null;
  onDone: (c: DialerCampaign) => void;
  onCancel: () => void;
}) {
  const [base, setBase] = useState(props.campaign);
  const [f, setF] = useState(() => initial(props.campaign));
  const set = <K extends keyof FormState>(k: K, v: FormState[K]) => setF((s) => ({ ...s, [k]: v }));
  const form = useSubmit(
    () =>
      base
        ? api.patch<DialerCampaign>(`/api/dialer/campaigns/${base.id}`, toBody(f), base.version)
        : api.post<DialerCampaign>('/api/dialer/campaigns', toBody(f)),
    (saved) => {
      if (base) setBase(saved);
      props.onDone(saved);
    },
  );
  const reload = async () => {
    if (!base) return;
    try {
      const fresh = await api.get<DialerCampaign>(`/api/dialer/campaigns/${base.id}`);
      setBase(fresh);
      setF(initial(fresh));
      form.setError(null);
    } catch (err) {
      form.setError(err);
    }
  };
  const e = form.fields;
  const text = (
    k: 'name' | 'machine_sound' | 'abandon_sound',
    lbl: string,
    extra: { required?: boolean; pattern?: string; hint?: string },
  ) => (
    <Field label={lbl} error={e[k]} hint={extra.hint}>
      {(id, d) => (
        <input
          id={id}
          aria-describedby={d}
          value={f[k]}
          onChange={(ev) => set(k, ev.target.value)}
          maxLength={100}
          required={extra.required}
          pattern={extra.pattern}
          autoCapitalize="off"
          spellCheck={false}
        />
      )}
    </Field>
  );
  const num = (
    k: 'max_dial_level' | 'abandon_target' | 'ring_timeout_seconds' | 'max_attempts',
    lbl: string,
    min: number,
    max: number,
    step: number,
    hint?: string,
  ) => (
    <Field label={lbl} error={e[k]} hint={hint}>
      {(id, d) => (
        <input
          id={id}
          aria-describedby={d}
          type="number"
          required
          min={min}
          max={max}
          step={step}
          value={f[k]}
          onChange={(ev) => set(k, ev.target.value)}
        />
      )}
    </Field>
  );

  return (
    <form className="stack" onSubmit={form.submit}>
      <SaveError error={form.error} what="campaign" onReload={reload} />
      <div className="form-grid" style={{ alignItems: 'start' }}>
        {text('name', 'Name', { required: true })}
        <Select label="Status" error={e.status} value={f.status} onChange={(v) => set('status', v)}>
          <option value="paused">Paused</option>
          <option value="active">Active (needs a server)</option>
        </Select>
        <Select
          label="Mode"
          error={e.mode}
          value={f.mode}
          onChange={(v) => set('mode', v as FormState['mode'])}
        >
          <option value="preview">Preview: the agent sees the lead, then dials</option>
          <option value="progressive">Progressive: one line per free agent</option>
          <option value="predictive">Predictive: more lines, kept under the abandon target</option>
        </Select>
        <ServerPicker value={f.server_id} error={e.server_id} onChange={(v) => set('server_id', v)} />
        {num('max_dial_level', 'Max dial level', 1, 10, 0.01, 'Lines per ready agent (predictive)')}
        {num(
          'abandon_target',
          'Abandon target (%)',
          0,
          50,
          0.01,
          'Highest share of answered calls abandoned',
        )}
        {num('ring_timeout_seconds', 'Ring timeout (s)', 5, 120, 1)}
        {num('max_attempts', 'Max attempts per lead', 1, 100, 1)}
        <Select
          label="Answering-machine detection"
          error={e.amd}
          value={f.amd}
          onChange={(v) => set('amd', v as FormState['amd'])}
        >
          <option value="off">Off</option>
          <option value="hangup">Hang up on machines</option>
          <option value="message">Play a message to machines</option>
        </Select>
        {text('machine_sound', 'Machine message sound', {
          required: f.amd === 'message',
          pattern: SOUND,
          hint: 'Asterisk sound name, needed when machines hear a message',
        })}
        {text('abandon_sound', 'Abandon message sound', {
          required: true,
          pattern: SOUND,
          hint: 'What an answered customer hears when no agent is free',
        })}
        <CallerIdPool
          value={f.callerid_campaign}
          error={e.callerid_campaign}
          onChange={(v) => set('callerid_campaign', v)}
        />
        <Field
          label="Dispositions"
          error={e.dispositions}
          hint="Comma separated, lower case; must include dnc"
        >
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              required
              value={f.dispositions}
              pattern="\s*[a-z0-9_]{1,40}(\s*,\s*[a-z0-9_]{1,40})*\s*"
              onChange={(ev) => set('dispositions', ev.target.value)}
            />
          )}
        </Field>
        {(['call_start', 'call_end'] as const).map((k) => (
          <Field
            key={k}
            label={k === 'call_start' ? 'Calls from' : 'Calls until'}
            error={e[k]}
            hint="The lead's local time"
          >
            {(id, d) => (
              <input
                id={id}
                aria-describedby={d}
                type="time"
                required
                value={f[k]}
                onChange={(ev) => set(k, ev.target.value)}
              />
            )}
          </Field>
        ))}
        <Select
          label="Leads of unknown time zone"
          error={e.unknown_tz_zone}
          value={f.unknown_tz_zone}
          onChange={(v) => set('unknown_tz_zone', v)}
        >
          <option value="">Never dial them</option>
          {zoneChoices().map((tz) => (
            <option key={tz} value={tz}>
              Dial in {tz} hours
            </option>
          ))}
        </Select>
      </div>
      <fieldset>
        <legend>Calling days</legend>
        <div className="actions">
          {WEEKDAYS.map((day, i) => (
            <label key={day}>
              <input
                type="checkbox"
                checked={f.call_days.includes(i + 1)}
                onChange={(ev) =>
                  set(
                    'call_days',
                    ev.target.checked
                      ? [...f.call_days, i + 1].sort((a, b) => a - b)
                      : f.call_days.filter((x) => x !== i + 1),
                  )
                }
              />{' '}
              {day}
            </label>
          ))}
        </div>
        {e.call_days && <small className="field-error">{e.call_days}</small>}
      </fieldset>
      <RetryPolicy value={f.retry} onChange={(v) => set('retry', v)} />
      <div className="form-actions">
        <button type="button" className="secondary" onClick={props.onCancel}>
          Cancel
        </button>
        <button type="submit" disabled={form.busy || f.call_days.length === 0}>
          {form.busy ? 'Saving…' : base ? 'Save campaign' : 'Create campaign'}
        </button>
      </div>
    </form>
  );
}
