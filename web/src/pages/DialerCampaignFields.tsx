import { useQuery } from '@tanstack/react-query';
import { useId, type ReactNode } from 'react';
import { api } from '../api';
import { Field } from '../ui';
import { usePools } from './callerids/Pools';
import { label, RETRY_OUTCOMES, type RetryOutcome } from './DialerShared';
import type { AsteriskServer } from './servers/ServerForm';

// The parts of the dialer campaign form that read other APIs or repeat per outcome.

/** A retry rule per outcome, as typed. */
export type Retry = Record<RetryOutcome, { delay_minutes: string; max: string }>;

export function Select(props: {
  label: string;
  error: string | undefined;
  value: string;
  onChange: (v: string) => void;
  children: ReactNode;
}) {
  return (
    <Field label={props.label} error={props.error}>
      {(id, d) => (
        <select
          id={id}
          aria-describedby={d}
          value={props.value}
          onChange={(e) => props.onChange(e.target.value)}
        >
          {props.children}
        </select>
      )}
    </Field>
  );
}

/** The Asterisk servers (admins may list them); staff, who may not, type a server's number. */
export function ServerPicker(props: {
  value: string;
  error: string | undefined;
  onChange: (v: string) => void;
}) {
  const servers = useQuery({
    queryKey: ['/api/asterisk-servers'],
    queryFn: () => api.get<AsteriskServer[]>('/api/asterisk-servers'),
    retry: false,
  });
  if (servers.error) {
    return (
      <Field
        label="Asterisk server number"
        error={props.error}
        hint="Empty: none yet (an admin knows the number)"
      >
        {(id, d) => (
          <input
            id={id}
            aria-describedby={d}
            type="number"
            min={1}
            value={props.value}
            onChange={(e) => props.onChange(e.target.value)}
          />
        )}
      </Field>
    );
  }
  return (
    <Select label="Asterisk server" error={props.error} value={props.value} onChange={props.onChange}>
      <option value="">None yet (cannot be active)</option>
      {servers.data?.map((s) => (
        <option key={s.id} value={String(s.id)}>
          {s.name} ({s.pbx}){s.enabled ? '' : ' – disabled'}
        </option>
      ))}
      {props.value !== '' && servers.data && !servers.data.some((s) => String(s.id) === props.value) && (
        <option value={props.value}>Server {props.value}</option>
      )}
    </Select>
  );
}

export function CallerIdPool(props: {
  value: string;
  error: string | undefined;
  onChange: (v: string) => void;
}) {
  const pools = usePools();
  const listId = useId();
  const codes = (pools.data?.items ?? []).map((p) => p.campaign).filter((c): c is string => c !== null);
  return (
    <Field
      label="Caller-ID pool"
      error={props.error}
      hint="A caller-ID campaign code; empty: area code, state, global"
    >
      {(id, d) => (
        <>
          <input
            id={id}
            aria-describedby={d}
            maxLength={100}
            list={listId}
            value={props.value}
            onChange={(e) => props.onChange(e.target.value)}
          />
          <datalist id={listId}>
            {codes.map((c) => (
              <option key={c} value={c} />
            ))}
          </datalist>
        </>
      )}
    </Field>
  );
}

/** After each outcome, how long before the lead is dialled again and how many times at most. */
export function RetryPolicy(props: { value: Retry; onChange: (v: Retry) => void }) {
  const set = (o: RetryOutcome, k: 'delay_minutes' | 'max', v: string) =>
    props.onChange({ ...props.value, [o]: { ...props.value[o], [k]: v } });
  const cell = (o: RetryOutcome, k: 'delay_minutes' | 'max', header: string, min: number, max: number) => (
    <td data-label={header}>
      <input
        aria-label={`${label(o)}: ${header.toLowerCase()}`}
        type="number"
        required
        min={min}
        max={max}
        style={{ maxWidth: '8rem' }}
        value={props.value[o][k]}
        onChange={(e) => set(o, k, e.target.value)}
      />
    </td>
  );
  return (
    <div className="table-wrap">
      <table>
        <caption style={{ textAlign: 'left', fontWeight: 600 }}>Retries after each outcome</caption>
        <thead>
          <tr>
            <th scope="col">Outcome</th>
            <th scope="col">Wait (min)</th>
            <th scope="col">Retries</th>
          </tr>
        </thead>
        <tbody>
          {RETRY_OUTCOMES.map((o) => (
            <tr key={o}>
              <th scope="row">{label(o)}</th>
              {cell(o, 'delay_minutes', 'Wait (min)', 1, 10_080)}
              {cell(o, 'max', 'Retries', 0, 100)}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
