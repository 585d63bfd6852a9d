import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api';
import { SaveError } from '../../conflict';
import { ErrorBanner, Field, useSubmit } from '../../ui';
import { sellerLabel, useSellers } from '../common/sellers';
import type { Did } from './types';

/** After any change to a DID: the inventory, and the request list (assigned numbers). */
export function useInvalidateDids() {
  const qc = useQueryClient();
  return () =>
    Promise.all([
      qc.invalidateQueries({ queryKey: ['/api/dids'] }),
      qc.invalidateQueries({ queryKey: ['/api/did-requests'] }),
    ]);
}

/** POST /api/dids/{id}/assign to an active seller (sellers are listed through /api/balances). */
export function AssignForm(props: { did: Did; onDone: (d: Did) => void; onCancel: () => void }) {
  const invalidate = useInvalidateDids();
  const sellers = useSellers();
  const active = sellers.sellers?.filter((s) => s.status === 'active');
  const [sellerId, setSellerId] = useState('');
  const form = useSubmit(
    () => api.post<Did>(`/api/dids/${props.did.id}/assign`, { seller_id: Number(sellerId) }),
    (d) => {
      void invalidate();
      props.onDone(d);
    },
  );
  return (
    <form className="stack" onSubmit={form.submit}>
      <ErrorBanner error={form.error ?? sellers.error} />
      <p style={{ margin: 0 }}>
        Give <strong>{props.did.number}</strong> to a seller. The seller can then put it on one of their
        campaigns.
      </p>
      <Field
        label="Seller"
        error={form.fields.seller_id}
        hint={
          active && active.length === 0
            ? 'There is no active seller. Create one on the Users page.'
            : undefined
        }
      >
        {(id, d) => (
          <select
            id={id}
            aria-describedby={d}
            required
            value={sellerId}
            onChange={(e) => setSellerId(e.target.value)}
          >
            <option value="">{active ? 'Choose a seller…' : 'Loading sellers…'}</option>
            {active?.map((s) => (
              <option key={s.seller_id} value={s.seller_id}>
                {sellerLabel(s, s.seller_id)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <div className="form-actions">
        <button type="button" className="secondary" onClick={props.onCancel}>
          Cancel
        </button>
        <button type="submit" disabled={form.busy || sellerId === ''}>
          {form.busy ? 'Assigning…' : 'Assign'}
        </button>
      </div>
    </form>
  );
}

/** PATCH /api/dids/{id}: the only editable field is the notes. */
export function NotesForm(props: { did: Did; onDone: (d: Did) => void; onCancel: () => void }) {
  const invalidate = useInvalidateDids();
  const [notes, setNotes] = useState(props.did.notes ?? '');
  // The version the notes came from: what a save tells the server it is changing.
  const [version, setVersion] = useState(props.did.version);
  const form = useSubmit(
    () => api.patch<Did>(`/api/dids/${props.did.id}`, { notes: notes.trim() || null }, version),
    (d) => {
      setVersion(d.version);
      void invalidate();
      props.onDone(d);
    },
  );
  const reload = async () => {
    try {
      const fresh = await api.get<Did>(`/api/dids/${props.did.id}`);
      setNotes(fresh.notes ?? '');
      setVersion(fresh.version);
      form.setError(null);
      void invalidate();
    } catch (err) {
      form.setError(err);
    }
  };
  return (
    <form className="stack" onSubmit={form.submit}>
      <SaveError error={form.error} what="DID" onReload={reload} />
      <Field label={`Notes for ${props.did.number}`} error={form.fields.notes} hint="Empty removes the notes">
        {(id, d) => (
          <textarea
            id={id}
            aria-describedby={d}
            rows={3}
            maxLength={1000}
            value={notes}
            onChange={(e) => setNotes(e.target.value)}
          />
        )}
      </Field>
      <div className="form-actions">
        <button type="button" className="secondary" onClick={props.onCancel}>
          Cancel
        </button>
        <button type="submit" disabled={form.busy}>
          {form.busy ? 'Saving…' : 'Save notes'}
        </button>
      </div>
    </form>
  );
}
