import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, type Page } from '../../api';
import { Empty, ErrorBanner, Field, Loading, useSubmit } from '../../ui';
import { useInvalidateDids } from './DidActions';
import { AREA_CODE_PATTERN, type Did, type DidRequest } from './types';

/** POST /api/did-requests (sellers): how many numbers, and an area code if it matters. */
export function NewRequestForm(props: { onDone: (r: DidRequest) => void; onCancel: () => void }) {
  const qc = useQueryClient();
  const [quantity, setQuantity] = useState('1');
  const [area, setArea] = useState('');
  const [note, setNote] = useState('');
  const form = useSubmit(
    () =>
      api.post<DidRequest>('/api/did-requests', {
        quantity: Number(quantity),
        ...(area.trim() ? { preferred_area_code: area.trim() } : {}),
        ...(note.trim() ? { note: note.trim() } : {}),
      }),
    (r) => {
      void qc.invalidateQueries({ queryKey: ['/api/did-requests'] });
      props.onDone(r);
    },
  );
  return (
    <form className="stack" onSubmit={form.submit}>
      <ErrorBanner error={form.error} />
      <div className="form-grid" style={{ alignItems: 'start' }}>
        <Field label="How many numbers" error={form.fields.quantity}>
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              type="number"
              required
              min={1}
              max={1000}
              step={1}
              value={quantity}
              onChange={(e) => setQuantity(e.target.value)}
            />
          )}
        </Field>
        <Field
          label="Preferred area code"
          error={form.fields.preferred_area_code}
          hint="Optional, 2–5 digits"
        >
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              inputMode="numeric"
              pattern={AREA_CODE_PATTERN}
              maxLength={5}
              value={area}
              onChange={(e) => setArea(e.target.value)}
            />
          )}
        </Field>
      </div>
      <Field label="Note for the administrators" error={form.fields.note}>
        {(id, d) => (
          <textarea
            id={id}
            aria-describedby={d}
            rows={3}
            maxLength={1000}
            value={note}
            onChange={(e) => setNote(e.target.value)}
          />
        )}
      </Field>
      <div className="form-actions">
        <button type="button" className="secondary" onClick={props.onCancel}>
          Cancel
        </button>
        <button type="submit" disabled={form.busy}>
          {form.busy ? 'Sending…' : 'Send request'}
        </button>
      </div>
    </form>
  );
}

/** POST /api/did-requests/{id}/reject with the reason the seller will read. */
export function RejectForm(props: { request: DidRequest; onDone: () => void; onCancel: () => void }) {
  const invalidate = useInvalidateDids();
  const [reason, setReason] = useState('');
  const form = useSubmit(
    () => api.post<DidRequest>(`/api/did-requests/${props.request.id}/reject`, { reason: reason.trim() }),
    () => {
      void invalidate();
      props.onDone();
    },
  );
  return (
    <form className="stack" onSubmit={form.submit}>
      <ErrorBanner error={form.error} />
      <Field label="Reason" error={form.fields.reason} hint="The seller is notified with this text">
        {(id, d) => (
          <textarea
            id={id}
            aria-describedby={d}
            required
            rows={3}
            minLength={1}
            maxLength={1000}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
        )}
      </Field>
      <div className="form-actions">
        <button type="button" className="secondary" onClick={props.onCancel}>
          Cancel
        </button>
        <button type="submit" className="danger" disabled={form.busy || reason.trim() === ''}>
          {form.busy ? 'Rejecting…' : 'Reject request'}
        </button>
      </div>
    </form>
  );
}

/**
 * POST /api/did-requests/{id}/approve: the API wants the ids of available DIDs to assign (up to
 * the quantity asked for), so the admin picks them here; the first matching ones are preselected.
 */
export function ApproveForm(props: {
  request: DidRequest;
  onDone: (r: DidRequest) => void;
  onCancel: () => void;
}) {
  const { request } = props;
  const invalidate = useInvalidateDids();
  const [area, setArea] = useState(request.preferred_area_code ?? '');
  const [q, setQ] = useState('');
  const [picked, setPicked] = useState<Map<number, string> | null>(null);
  const areaOk = area === '' || /^[0-9]{2,5}$/.test(area);
  const query = { status: 'available', area_code: areaOk ? area : '', q: q.trim(), limit: 200, offset: 0 };
  const available = useQuery({
    queryKey: ['/api/dids', query],
    queryFn: () => api.get<Page<Did>>('/api/dids', query),
  });
  // Until the admin touches a checkbox, the selection is the first `quantity` numbers listed.
  const selection =
    picked ?? new Map((available.data?.items ?? []).slice(0, request.quantity).map((d) => [d.id, d.number]));
  const toggle = (d: Did, on: boolean) => {
    const next = new Map(selection);
    if (on) next.set(d.id, d.number);
    else next.delete(d.id);
    setPicked(next);
  };
  const form = useSubmit(
    () => api.post<DidRequest>(`/api/did-requests/${request.id}/approve`, { did_ids: [...selection.keys()] }),
    (r) => {
      void invalidate();
      props.onDone(r);
    },
  );
  const over = selection.size > request.quantity;
  const listed = new Set((available.data?.items ?? []).map((d) => d.id));
  const hidden = [...selection].filter(([id]) => !listed.has(id)).map(([, n]) => n);
  const short = selection.size > 0 && selection.size < request.quantity;
  return (
    <form className="stack" onSubmit={form.submit}>
      <ErrorBanner error={form.error ?? available.error} />
      <p style={{ margin: 0 }}>
        The seller asked for <strong>{request.quantity}</strong> number(s)
        {request.preferred_area_code ? ` in area code ${request.preferred_area_code}` : ''}. Choose up to{' '}
        {request.quantity} available numbers to assign; they are assigned at once and the seller is notified.
      </p>
      {request.note && <p className="muted">“{request.note}”</p>}
      <div className="filters">
        <Field label="Area code" error={areaOk ? undefined : '2 to 5 digits'}>
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              inputMode="numeric"
              pattern={AREA_CODE_PATTERN}
              maxLength={5}
              size={6}
              value={area}
              onChange={(e) => setArea(e.target.value.trim())}
            />
          )}
        </Field>
        <Field label="Number contains">
          {(id) => (
            <input id={id} type="search" maxLength={32} value={q} onChange={(e) => setQ(e.target.value)} />
          )}
        </Field>
      </div>
      <fieldset>
        <legend>
          Available numbers — {selection.size} of {request.quantity} chosen
          {over && <span className="field-error"> (too many)</span>}
        </legend>
        {hidden.length > 0 && (
          <p className="muted" style={{ marginTop: 0 }}>
            Also chosen (not in this list): {hidden.slice(0, 20).join(', ')}
            {hidden.length > 20 ? ` and ${hidden.length - 20} more` : ''}
          </p>
        )}
        {!available.data ? (
          !available.error && <Loading what="Loading available numbers" />
        ) : available.data.items.length === 0 ? (
          <Empty title="No available number matches">
            {area ? 'Clear the area code to see other numbers, or add' : 'Add'} numbers to the inventory
            first, or reject the request.
          </Empty>
        ) : (
          <div className="stack" style={{ maxHeight: '16rem', overflowY: 'auto', gap: '0.25rem' }}>
            {available.data.items.map((d) => (
              <label key={d.id}>
                <input
                  type="checkbox"
                  checked={selection.has(d.id)}
                  onChange={(e) => toggle(d, e.target.checked)}
                />{' '}
                {d.number} <span className="muted">{[d.country, d.area_code].filter(Boolean).join(' ')}</span>
              </label>
            ))}
            {available.data.total > available.data.items.length && (
              <small className="muted">
                Showing {available.data.items.length} of {available.data.total}; narrow the list with the
                filters.
              </small>
            )}
          </div>
        )}
      </fieldset>
      {short && (
        <p className="muted" style={{ margin: 0 }}>
          Fewer numbers than asked for: the request is closed as approved with {selection.size} number(s); the
          seller can ask again for the rest.
        </p>
      )}
      <div className="form-actions">
        <button type="button" className="secondary" onClick={props.onCancel}>
          Cancel
        </button>
        <button type="submit" disabled={form.busy || selection.size === 0 || over}>
          {form.busy ? 'Approving…' : `Approve and assign ${selection.size}`}
        </button>
      </div>
    </form>
  );
}
