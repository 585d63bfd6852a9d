import { useState } from 'react';
import { api } from '../../api';
import { ErrorBanner, Field, numberOrNull, useSubmit } from '../../ui';
import { poolLabel, useInvalidateCallerIds, usePools } from './Pools';
import type { NumberHealth } from './Numbers';

// Add, change and delete one caller ID (POST /api/callerid/numbers, PATCH and DELETE
// /api/callerid/numbers/{id}). Shown inside dialogs by the numbers section.

const STATUSES = ['active', 'cooldown', 'disabled'] as const;

/** Hourly/daily cap inputs: whole numbers 1–100000, empty = no cap (the API's `null`). */
function LimitField(props: {
  label: string;
  value: string;
  error: string | undefined;
  onChange: (v: string) => void;
}) {
  return (
    <Field label={props.label} error={props.error} hint="Empty = no cap">
      {(id, d) => (
        <input
          id={id}
          aria-describedby={d}
          type="number"
          inputMode="numeric"
          min={1}
          max={100000}
          step={1}
          value={props.value}
          onChange={(e) => props.onChange(e.target.value)}
        />
      )}
    </Field>
  );
}

/** Live calls the number may serve at once: 1–50 (the API's max_concurrent). */
function ConcurrencyField(props: {
  value: string;
  error: string | undefined;
  onChange: (v: string) => void;
}) {
  return (
    <Field
      label="Concurrent calls"
      error={props.error}
      hint="How many live calls may use this number at once (1 = one call at a time)"
    >
      {(id, d) => (
        <input
          id={id}
          aria-describedby={d}
          type="number"
          inputMode="numeric"
          required
          min={1}
          max={50}
          step={1}
          value={props.value}
          onChange={(e) => props.onChange(e.target.value)}
        />
      )}
    </Field>
  );
}

function Actions({ busy, label, onCancel }: { busy: boolean; label: string; onCancel: () => void }) {
  return (
    <div className="form-actions">
      <button type="button" className="secondary" onClick={onCancel}>
        Cancel
      </button>
      <button type="submit" disabled={busy}>
        {busy ? 'Saving…' : label}
      </button>
    </div>
  );
}

export function AddNumberForm({ onDone }: { onDone: () => void }) {
  const pools = usePools();
  const invalidate = useInvalidateCallerIds();
  const [callerId, setCallerId] = useState('');
  const [poolId, setPoolId] = useState('');
  const [carrier, setCarrier] = useState('');
  const [hourly, setHourly] = useState('');
  const [daily, setDaily] = useState('');
  const [concurrent, setConcurrent] = useState('1');
  const form = useSubmit(
    () =>
      api.post<{ id: number; caller_id: string }>('/api/callerid/numbers', {
        caller_id: callerId.trim(),
        pool_id: Number(poolId),
        ...(carrier.trim() ? { carrier: carrier.trim() } : {}),
        hourly_limit: numberOrNull(hourly),
        daily_limit: numberOrNull(daily),
        max_concurrent: Number(concurrent),
      }),
    () => {
      void invalidate();
      onDone();
    },
  );
  const items = pools.data?.items ?? [];
  return (
    <form className="stack" onSubmit={(e) => void form.submit(e)}>
      <ErrorBanner error={form.error ?? pools.error} />
      {pools.data && items.length === 0 && (
        <p className="muted">There is no pool yet: create one under “Pools” first.</p>
      )}
      <Field label="Caller ID" error={form.fields.caller_id} hint="The phone number, e.g. +1 212 555 0100">
        {(id, d) => (
          <input
            id={id}
            aria-describedby={d}
            required
            minLength={3}
            maxLength={32}
            inputMode="tel"
            autoComplete="off"
            value={callerId}
            onChange={(e) => setCallerId(e.target.value)}
          />
        )}
      </Field>
      <Field label="Pool" error={form.fields.pool_id}>
        {(id, d) => (
          <select
            id={id}
            aria-describedby={d}
            required
            value={poolId}
            onChange={(e) => setPoolId(e.target.value)}
          >
            <option value="">Choose a pool…</option>
            {items.map((p) => (
              <option key={p.id} value={p.id}>
                {poolLabel(p)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Carrier" error={form.fields.carrier}>
        {(id, d) => (
          <input
            id={id}
            aria-describedby={d}
            maxLength={100}
            value={carrier}
            onChange={(e) => setCarrier(e.target.value)}
          />
        )}
      </Field>
      <div className="form-grid">
        <LimitField
          label="Hourly limit"
          value={hourly}
          error={form.fields.hourly_limit}
          onChange={setHourly}
        />
        <LimitField label="Daily limit" value={daily} error={form.fields.daily_limit} onChange={setDaily} />
      </div>
      <ConcurrencyField value={concurrent} error={form.fields.max_concurrent} onChange={setConcurrent} />
      <Actions busy={form.busy} label="Add number" onCancel={onDone} />
    </form>
  );
}

const text = (v: number | null) => (v === null ? '' : String(v));

export function EditNumberForm({ number: n, onDone }: { number: NumberHealth; onDone: () => void }) {
  const pools = usePools();
  const invalidate = useInvalidateCallerIds();
  const [status, setStatus] = useState(n.status);
  const [carrier, setCarrier] = useState(n.carrier ?? '');
  const [hourly, setHourly] = useState(text(n.hourly_limit));
  const [daily, setDaily] = useState(text(n.daily_limit));
  const [concurrent, setConcurrent] = useState(String(n.max_concurrent));
  const [poolId, setPoolId] = useState('');
  const [unchanged, setUnchanged] = useState(false);

  /** Only what changed: re-sending a status would end an automatic cooldown's timer. */
  function changes(): Record<string, unknown> {
    const body: Record<string, unknown> = {};
    if (status !== n.status) body.status = status;
    if ((carrier.trim() || null) !== n.carrier) body.carrier = carrier.trim() || null;
    if (numberOrNull(hourly) !== n.hourly_limit) body.hourly_limit = numberOrNull(hourly);
    if (numberOrNull(daily) !== n.daily_limit) body.daily_limit = numberOrNull(daily);
    if (Number(concurrent) !== n.max_concurrent) body.max_concurrent = Number(concurrent);
    if (poolId) body.pool_id = Number(poolId);
    return body;
  }
  const form = useSubmit(
    async () => {
      const body = changes();
      if (Object.keys(body).length === 0) return false;
      await api.patch(`/api/callerid/numbers/${n.id}`, body);
      return true;
    },
    (saved) => {
      if (!saved) return setUnchanged(true);
      void invalidate();
      onDone();
    },
  );
  return (
    <form className="stack" onSubmit={(e) => void form.submit(e)}>
      <ErrorBanner error={form.error ?? pools.error} />
      {unchanged && <p className="muted">Nothing changed.</p>}
      <Field
        label="Status"
        error={form.fields.status}
        hint={
          n.status === 'cooldown' && n.cooldown_until
            ? 'Changing the status by hand ends the automatic cooldown timer.'
            : 'Cooldown set by hand lasts until you change it back.'
        }
      >
        {(id, d) => (
          <select id={id} aria-describedby={d} value={status} onChange={(e) => setStatus(e.target.value)}>
            {(STATUSES as readonly string[]).includes(n.status) ? null : (
              <option value={n.status}>{n.status}</option>
            )}
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Carrier" error={form.fields.carrier} hint="Empty = none">
        {(id, d) => (
          <input
            id={id}
            aria-describedby={d}
            maxLength={100}
            value={carrier}
            onChange={(e) => setCarrier(e.target.value)}
          />
        )}
      </Field>
      <div className="form-grid">
        <LimitField
          label="Hourly limit"
          value={hourly}
          error={form.fields.hourly_limit}
          onChange={setHourly}
        />
        <LimitField label="Daily limit" value={daily} error={form.fields.daily_limit} onChange={setDaily} />
      </div>
      <ConcurrencyField value={concurrent} error={form.fields.max_concurrent} onChange={setConcurrent} />
      <Field
        label="Move to pool"
        error={form.fields.pool_id}
        hint={`Now in the ${n.campaign ?? 'global'} pool.`}
      >
        {(id, d) => (
          <select id={id} aria-describedby={d} value={poolId} onChange={(e) => setPoolId(e.target.value)}>
            <option value="">Keep the current pool</option>
            {(pools.data?.items ?? []).map((p) => (
              <option key={p.id} value={p.id}>
                {poolLabel(p)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Actions busy={form.busy} label="Save changes" onCancel={onDone} />
    </form>
  );
}

export function DeleteNumber({ number: n, onDone }: { number: NumberHealth; onDone: () => void }) {
  const invalidate = useInvalidateCallerIds();
  const del = useSubmit(
    () => api.del(`/api/callerid/numbers/${n.id}`),
    () => {
      void invalidate();
      onDone();
    },
  );
  return (
    <div className="stack">
      <ErrorBanner error={del.error} />
      <p>
        Delete caller ID <strong>{n.caller_id}</strong>? The dialer stops using it at once. To pause it
        instead, set its status to disabled.
      </p>
      <div className="form-actions">
        <button type="button" className="secondary" onClick={onDone}>
          Cancel
        </button>
        <button type="button" className="danger" disabled={del.busy} onClick={() => void del.submit()}>
          {del.busy ? 'Deleting…' : 'Delete number'}
        </button>
      </div>
    </div>
  );
}
