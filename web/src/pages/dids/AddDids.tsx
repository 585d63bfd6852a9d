import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api';
import { DataTable, ErrorBanner, Field, Notice, useSubmit } from '../../ui';
import type { Did } from './types';

const invalidate = (qc: ReturnType<typeof useQueryClient>) =>
  qc.invalidateQueries({ queryKey: ['/api/dids'] });

/** POST /api/dids: one number, any common format (stored as E.164). */
export function AddDidForm(props: { onDone: (d: Did) => void; onCancel: () => void }) {
  const qc = useQueryClient();
  const [number, setNumber] = useState('');
  const [notes, setNotes] = useState('');
  const form = useSubmit(
    () =>
      api.post<Did>('/api/dids', { number: number.trim(), ...(notes.trim() ? { notes: notes.trim() } : {}) }),
    (d) => {
      void invalidate(qc);
      props.onDone(d);
    },
  );
  return (
    <form className="stack" onSubmit={form.submit}>
      <ErrorBanner error={form.error} />
      <Field label="Number" error={form.fields.number} hint="Any common format, e.g. +1 415 555 0100">
        {(id, d) => (
          <input
            id={id}
            aria-describedby={d}
            type="tel"
            required
            minLength={3}
            maxLength={32}
            autoComplete="off"
            value={number}
            onChange={(e) => setNumber(e.target.value)}
          />
        )}
      </Field>
      <Field label="Notes" error={form.fields.notes}>
        {(id, d) => (
          <textarea
            id={id}
            aria-describedby={d}
            rows={2}
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
          {form.busy ? 'Adding…' : 'Add number'}
        </button>
      </div>
    </form>
  );
}

interface BulkReport {
  created: Did[];
  rejected: { input: string; reason: string }[];
}

/** One number a line (commas and semicolons also separate); spaces inside a number are kept. */
const splitNumbers = (text: string) =>
  text
    .split(/[\n,;]+/)
    .map((s) => s.trim())
    .filter(Boolean);

/** POST /api/dids/bulk, then the per-number report of what was added and what was not. */
export function BulkAddForm(props: { onClose: () => void }) {
  const qc = useQueryClient();
  const [text, setText] = useState('');
  const [notes, setNotes] = useState('');
  const [report, setReport] = useState<BulkReport | null>(null);
  const numbers = splitNumbers(text);
  const form = useSubmit(
    () =>
      api.post<BulkReport>('/api/dids/bulk', { numbers, ...(notes.trim() ? { notes: notes.trim() } : {}) }),
    (r) => {
      setReport(r);
      if (r.created.length > 0) void invalidate(qc);
    },
  );
  if (report) return <BulkResult report={report} onAgain={() => setReport(null)} onClose={props.onClose} />;
  const tooMany = numbers.length > 10000;
  return (
    <form className="stack" onSubmit={form.submit}>
      <ErrorBanner error={form.error} />
      <Field
        label="Numbers"
        error={form.fields.numbers ?? (tooMany ? 'At most 10,000 numbers at a time.' : undefined)}
        hint={`One a line (or separated by commas). ${numbers.length} number(s).`}
      >
        {(id, d) => (
          <textarea
            id={id}
            aria-describedby={d}
            required
            rows={10}
            spellCheck={false}
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
        )}
      </Field>
      <Field label="Notes for every number" error={form.fields.notes}>
        {(id, d) => (
          <input
            id={id}
            aria-describedby={d}
            maxLength={1000}
            value={notes}
            onChange={(e) => setNotes(e.target.value)}
          />
        )}
      </Field>
      <div className="form-actions">
        <button type="button" className="secondary" onClick={props.onClose}>
          Cancel
        </button>
        <button type="submit" disabled={form.busy || numbers.length === 0 || tooMany}>
          {form.busy ? 'Adding…' : `Add ${numbers.length || ''} number(s)`}
        </button>
      </div>
    </form>
  );
}

function BulkResult(props: { report: BulkReport; onAgain: () => void; onClose: () => void }) {
  const { created, rejected } = props.report;
  return (
    <div className="stack">
      {created.length > 0 ? (
        <Notice kind="success">{created.length} number(s) added to the inventory as available.</Notice>
      ) : (
        <div className="banner error" role="alert">
          No number was added.
        </div>
      )}
      {rejected.length > 0 && (
        <>
          <h3 style={{ margin: 0 }}>{rejected.length} rejected</h3>
          <DataTable
            caption="Rejected numbers"
            columns={[
              { header: 'Input', cell: (r) => r.input },
              { header: 'Reason', cell: (r) => r.reason },
            ]}
            rows={rejected.map((r, i) => ({ ...r, i }))}
            rowKey={(r) => r.i}
            empty={null}
          />
        </>
      )}
      <div className="form-actions">
        <button type="button" className="secondary" onClick={props.onAgain}>
          Add more
        </button>
        <button type="button" onClick={props.onClose} autoFocus>
          Done
        </button>
      </div>
    </div>
  );
}
